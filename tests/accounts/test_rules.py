"""Input rules shared by every entry point: usernames, passwords, age caps, roles."""
import pytest

from anihome.accounts.passwords import check_password_rules, hash_password, verify_password
from anihome.accounts.users import parse_age_cap, username_key, validate_role, validate_username
from anihome.errors import AppError


@pytest.mark.parametrize("raw, stored", [
    ("alice", "alice"), ("  Alice.B-c_d  ", "Alice.B-c_d"), ("Маша", "Маша"), ("ёжик99", "ёжик99"),
    ("x" * 40, "x" * 40), ("ＡＢＣ", "ABC"),
])
def test_valid_usernames_are_normalised(raw, stored):
    assert validate_username(raw) == stored


@pytest.mark.parametrize("raw", ["", "ab", "x" * 41, "a b", "<script>", "a@b.c", "...", "na/me", None])
def test_invalid_usernames_are_refused(raw):
    with pytest.raises(AppError) as caught:
        validate_username(raw)
    assert caught.value.field == "username"


def test_username_keys_fold_case_in_any_alphabet():
    assert username_key("МаШа") == username_key("маша") == "маша"


@pytest.mark.parametrize("value, years", [(None, None), ("", None), (" ", None), ("0", 0), (21, 21), ("16", 16)])
def test_age_caps_are_whole_years_from_0_to_21(value, years):
    assert parse_age_cap(value) == years


@pytest.mark.parametrize("value", ["-1", "22", "12.5", "abc"])
def test_other_age_caps_are_refused(value):
    with pytest.raises(AppError):
        parse_age_cap(value)


def test_unknown_roles_are_refused():
    assert validate_role("moderator") == "moderator"
    with pytest.raises(AppError):
        validate_role("root")


@pytest.mark.parametrize("password", ["", "1234567", " " * 10, "x" * 257, "Alice-Liddell"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(AppError) as caught:
        check_password_rules(password, username="alice-liddell")
    assert caught.value.field == "password"


def test_eight_characters_are_enough():
    check_password_rules("12345678", username="alice")


def test_passwords_are_hashed_with_scrypt_and_verified():
    hashed = hash_password("good-password")
    assert hashed.startswith("scrypt:")
    assert verify_password(hashed, "good-password")
    assert not verify_password(hashed, "bad-password")
    assert not verify_password(None, "anything")
