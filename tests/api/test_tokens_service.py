"""The token service: created once in plain text, stored hashed, revocable, last use recorded."""
from __future__ import annotations

from datetime import timedelta

import pytest

from anihome.accounts import tokens
from anihome.clock import utcnow
from anihome.errors import AppError, NotFound
from anihome.models import ApiToken, User


def test_created_token_has_the_prefix_and_authenticates_as_its_member(member, db):
    plaintext, row = tokens.create(member, "kodi")
    assert plaintext.startswith("ah_") and len(plaintext) == 46
    assert row.prefix == plaintext[:10] and row.label == "kodi"
    found = tokens.authenticate(plaintext)
    assert found.id == row.id and found.user.id == member.id


@pytest.mark.sqlite_only("reads the SQLite file and its WAL for the plaintext")
def test_tokens_are_stored_as_sha256_hashes_only(app, member, db):
    plaintext, row = tokens.create(member, "kodi")
    assert row.token_hash == tokens.hash_token(plaintext) and len(row.token_hash) == 64
    stored = ApiToken.get_by_id(row.id)
    assert plaintext not in {stored.token_hash, stored.prefix, stored.label}
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    data_dir = app.config["DATA_DIR"]
    import pathlib

    for path in pathlib.Path(data_dir).glob("anihome.db*"):
        assert plaintext.encode() not in path.read_bytes(), path.name
        assert plaintext[10:].encode() not in path.read_bytes(), path.name


@pytest.mark.parametrize("candidate", ["", None, "ah_", "nope", "Bearer ah_x",
                                       "ah_" + "A" * 43, "ah_" + "A" * 44])
def test_unknown_or_malformed_tokens_do_not_authenticate(member, db, candidate):
    tokens.create(member)
    assert tokens.authenticate(candidate) is None


def test_revoked_token_no_longer_authenticates(member, db):
    plaintext, row = tokens.create(member)
    tokens.revoke(row)
    assert tokens.authenticate(plaintext) is None
    assert ApiToken.get_by_id(row.id).revoked_at is not None
    assert tokens.list_for_user(member) == []
    assert [t.id for t in tokens.list_for_user(member, include_revoked=True)] == [row.id]


def test_token_of_a_disabled_member_does_not_authenticate(member, db):
    plaintext, _ = tokens.create(member)
    User.update(is_active=False).where(User.id == member.id).execute()
    assert tokens.authenticate(plaintext) is None


def test_authentication_compares_hashes_in_constant_time(member, db, monkeypatch):
    plaintext, row = tokens.create(member)
    calls = []
    real = tokens.hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(tokens.hmac, "compare_digest", spy)
    assert tokens.authenticate(plaintext) is not None
    assert calls == [(row.token_hash, tokens.hash_token(plaintext))]


def test_last_use_is_recorded_at_most_once_a_minute(member, db):
    plaintext, row = tokens.create(member)
    assert row.last_used_at is None
    start = utcnow()
    tokens.authenticate(plaintext, now=start)
    assert ApiToken.get_by_id(row.id).last_used_at == start
    tokens.authenticate(plaintext, now=start + timedelta(seconds=30))
    assert ApiToken.get_by_id(row.id).last_used_at == start
    later = start + timedelta(seconds=61)
    tokens.authenticate(plaintext, now=later)
    assert ApiToken.get_by_id(row.id).last_used_at == later


def test_a_label_longer_than_sixty_characters_is_refused_and_nothing_is_stored(member, db):
    with pytest.raises(AppError) as caught:
        tokens.create(member, "x" * 61)
    assert caught.value.field == "label"
    assert ApiToken.select().count() == 0


def test_labels_are_trimmed(member, db):
    _, row = tokens.create(member, "  living   room  ")
    assert row.label == "living room"


def test_a_member_cannot_revoke_someone_elses_token(member, admin, db):
    _, row = tokens.create(admin)
    with pytest.raises(NotFound):
        tokens.revoke_for_user(member, row.id)
    assert ApiToken.get_by_id(row.id).revoked_at is None


def test_find_accepts_an_id_a_prefix_or_the_whole_token(member, db):
    plaintext, row = tokens.create(member)
    assert tokens.find(str(row.id)).id == row.id
    assert tokens.find(row.prefix).id == row.id
    assert tokens.find(plaintext).id == row.id
    with pytest.raises(NotFound):
        tokens.find("ah_" + "Z" * 43)
    with pytest.raises(AppError):
        tokens.find("ah")


def test_revoke_all_for_user_stops_every_token(member, db):
    first, _ = tokens.create(member)
    second, _ = tokens.create(member)
    assert tokens.revoke_all_for_user(member) == 2
    assert tokens.authenticate(first) is None and tokens.authenticate(second) is None


def test_too_many_live_tokens_are_refused(member, db, monkeypatch):
    monkeypatch.setattr(tokens, "MAX_ACTIVE_TOKENS", 2)
    tokens.create(member)
    tokens.create(member)
    with pytest.raises(AppError) as caught:
        tokens.create(member)
    assert caught.value.code == "too_many_tokens"
    assert ApiToken.select().count() == 2
