"""MyAnimeList XML: export, safe parsing, preview before apply, and the round trip."""
import gzip

import pytest

from anihome.errors import AppError
from anihome.library import lists, mal
from anihome.models import ListEntry

from .conftest import make_user


def snapshot(user):
    return sorted((e.release.shikimori_id, e.status, e.score, e.episodes_watched, e.rewatch_count,
                   e.started_on, e.finished_on)
                  for e in ListEntry.select().where(ListEntry.user == user.id))


def fill(cat, user):
    lists.set_entry(user.id, cat.serial.id, {"status": "completed", "score": 9, "episodes_watched": 3,
                                             "rewatch_count": 2, "started_on": "2025-01-02",
                                             "finished_on": "2025-02-03"})
    lists.set_entry(user.id, cat.ongoing.id, {"status": "rewatching", "episodes_watched": 1})
    lists.set_entry(user.id, cat.movie.id, {"status": "planned", "score": 4})


def test_export_has_the_mal_shape(cat, alice):
    fill(cat, alice)
    lists.set_entry(alice.id, cat.orphan.id, {"status": "dropped"})
    xml, skipped = mal.export_xml(alice.id)
    text = xml.decode()
    assert text.startswith('<?xml version="1.0" encoding="UTF-8" ?>\n<myanimelist>')
    assert "<user_name>alice</user_name>" in text and "<user_total_anime>3</user_total_anime>" in text
    assert "<series_animedb_id>101</series_animedb_id>" in text
    assert "<my_status>Plan to Watch</my_status>" in text and "<my_score>9</my_score>" in text
    assert "<my_start_date>2025-01-02</my_start_date>" in text
    assert "<series_type>Movie</series_type>" in text
    assert skipped == 1  # the release without a MyAnimeList id


def test_round_trip_into_a_fresh_member_gives_the_same_lists(cat, alice):
    fill(cat, alice)
    xml, _ = mal.export_xml(alice.id)
    fresh = make_user("fresh")
    preview = mal.plan(fresh.id, xml)
    assert preview.summary() == {"create": 3, "update": 0, "unchanged": 0, "unmatched": 0, "refused": 0,
                                 "problems": 0}
    assert snapshot(fresh) == []  # the preview changed nothing
    mal.apply(fresh.id, xml)
    assert snapshot(fresh) == snapshot(alice)
    again = mal.plan(fresh.id, xml)
    assert again.count("unchanged") == 3


def test_unmatched_entries_are_reported_and_skipped(cat, alice):
    xml = b"""<?xml version="1.0"?><myanimelist><myinfo/>
      <anime><series_animedb_id>101</series_animedb_id><series_title>Known</series_title>
        <my_status>Watching</my_status><my_watched_episodes>2</my_watched_episodes><my_score>7</my_score></anime>
      <anime><series_animedb_id>999999</series_animedb_id><series_title>Unknown here</series_title>
        <my_status>Completed</my_status></anime>
      <anime><series_animedb_id>202</series_animedb_id><my_status>Binged</my_status></anime>
    </myanimelist>"""
    result = mal.apply(alice.id, xml)
    assert [(r.entry.title, r.action) for r in result.unmatched] == [("Unknown here", "unmatched")]
    assert len(result.problems) == 1 and "Binged" in result.problems[0]
    assert snapshot(alice) == [("101", "watching", 7, 2, 0, None, None)]


def test_numeric_statuses_and_gzip_are_understood(cat, alice):
    xml = gzip.compress(b"<myanimelist><anime><series_animedb_id>303</series_animedb_id>"
                        b"<my_status>6</my_status></anime></myanimelist>")
    mal.apply(alice.id, xml)
    assert snapshot(alice) == [("303", "planned", None, 0, 0, None, None)]


@pytest.mark.parametrize("payload", [
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><myanimelist>&lol;</myanimelist>',
    b'<!DOCTYPE myanimelist SYSTEM "http://127.0.0.1:9/evil.dtd"><myanimelist/>',
    b"<myanimelist><anime>",
    b"<html><body>not mal</body></html>",
    b"",
])
def test_unsafe_or_broken_files_are_refused_and_change_nothing(cat, alice, payload):
    with pytest.raises(AppError) as err:
        mal.apply(alice.id, payload)
    assert err.value.field == "file"
    assert snapshot(alice) == []


def test_import_updates_existing_entries_and_marks_them_as_the_members_choice(cat, alice):
    lists.set_entry(alice.id, cat.serial.id, {"status": "watching", "manual": False})
    xml = (b"<myanimelist><anime><series_animedb_id>101</series_animedb_id><my_status>Dropped</my_status>"
           b"<my_score>3</my_score></anime></myanimelist>")
    preview = mal.plan(alice.id, xml)
    assert preview.rows[0].action == "update" and preview.rows[0].changes["status"] == "dropped"
    mal.apply(alice.id, xml)
    entry = lists.get_entry(alice.id, cat.serial.id)
    assert (entry.status, entry.score, entry.manual) == ("dropped", 3, True)


HOSTILE_NOTES = ("bell\x07 nul\x00 esc\x1b vt\x0b ff\x0c ]]> <b>&amp;</b> \"q\" 'a' "
                 "emoji \U0001f600 ё \ufffe\uffff tab\tnl\ncr\r end")


def test_hostile_notes_round_trip_through_the_export_and_our_own_import(cat, alice):
    fill(cat, alice)
    lists.set_entry(alice.id, cat.movie.id, {"notes": HOSTILE_NOTES})
    ListEntry.update(notes="raw\x01\x02\x1f" + HOSTILE_NOTES).where(
        (ListEntry.user == alice.id) & (ListEntry.release == cat.serial.id)).execute()  # as stored by an old import
    xml, _ = mal.export_xml(alice.id)
    for bad in (b"\x00", b"\x07", b"\x1b", b"\x0b", b"\x0c", b"\x01", "\ufffe".encode()):
        assert bad not in xml
    fresh = make_user("fresh")
    result = mal.apply(fresh.id, xml)
    assert result.summary()["problems"] == 0 and result.summary()["create"] == 3
    assert snapshot(fresh) == snapshot(alice)
    notes = {e.release_id: e.notes for e in ListEntry.select().where(ListEntry.user == fresh.id)}
    expected = mal.xml_text(HOSTILE_NOTES).replace("\r", "\n")  # XML reads a CR as a newline
    assert notes[cat.movie.id] == expected.strip()
    assert notes[cat.serial.id] == "raw" + expected.strip()


def test_an_empty_my_comments_keeps_the_members_notes(cat, alice):
    lists.set_entry(alice.id, cat.movie.id, {"status": "planned", "notes": "mine"})
    mal.apply(alice.id, b"<myanimelist><anime><series_animedb_id>303</series_animedb_id>"
                        b"<my_status>Watching</my_status><my_comments></my_comments></anime></myanimelist>")
    assert lists.get_entry(alice.id, cat.movie.id).notes == "mine"


def _entries(n: int, extra: bytes = b"") -> bytes:
    return (b"<myanimelist>" + b"".join(
        b"<anime><series_animedb_id>%d</series_animedb_id><my_status>Watching</my_status>%s</anime>"
        % (i, extra) for i in range(1, n + 1)) + b"</myanimelist>")


@pytest.mark.parametrize("payload, status, words", [
    (b'<?xml version="1.0" encoding="x-klingon"?><myanimelist/>', 400, "encoding"),
    (b'<?xml version="1.0" encoding="cp932"?><myanimelist/>', 400, "encoding"),
    (b"<myanimelist>" + b"".join(b"<t%d/>" % i for i in range(500)) + b"</myanimelist>", 400, "tag names"),
    (b"<myanimelist>" + b"<a>" * 50 + b"</a>" * 50 + b"</myanimelist>", 400, "deeper"),
    (b'<myanimelist><a b="' + b">" * 300_000 + b'"/></myanimelist>', 400, "longer"),
    (b"<myanimelist><!--" + b"x" * 300_000 + b"--></myanimelist>", 400, "longer"),
    (gzip.compress(b"<myanimelist>" + b" " * (30 * 1024 * 1024) + b"</myanimelist>"), 413, "unpacked"),
    (gzip.compress(_entries(mal.MAX_ENTRIES + 1)), 413, "entries"),
    (gzip.compress(_entries(3))[:-12], 400, "gzipped"),
])
def test_files_past_the_import_bounds_are_refused_naming_the_file(cat, alice, payload, status, words):
    with pytest.raises(AppError) as err:
        mal.plan(alice.id, payload)
    assert (err.value.status, err.value.field) == (status, "file")
    assert words in err.value.message
    assert snapshot(alice) == []


def test_a_large_import_lists_its_first_problems_and_counts_them_all(cat, alice):
    payload = b"<myanimelist>" + b"<anime><my_status>Watching</my_status></anime>" * 300 + b"</myanimelist>"
    preview = mal.plan(alice.id, payload)
    assert preview.summary()["problems"] == 300 and len(preview.problems) == mal.MAX_PROBLEMS
