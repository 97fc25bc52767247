"""The one whole-number parser behind forms, query strings, JSON bodies and the library."""
import pytest

from anihome import integers
from anihome.errors import AppError


@pytest.mark.parametrize("value, expected", [(7, 7), ("7", 7), (" 42 ", 42), ("-3", -3), (2 ** 63 - 1, 2 ** 63 - 1)])
def test_whole_numbers_and_their_text_are_read(value, expected):
    assert integers.whole(value, "n") == expected


@pytest.mark.parametrize("value", [True, False, 2.0, 2.5, None, "", "seven", "1e3", "0x10", "3.0", [], {}])
def test_anything_else_is_a_400_naming_the_field(value):
    with pytest.raises(AppError) as error:
        integers.whole(value, "episode")
    assert (error.value.status, error.value.field) == (400, "episode")
    assert error.value.message == "episode must be a whole number."


@pytest.mark.parametrize("value", [2 ** 63, -(2 ** 63) - 1, "9" * 30, "9" * 5000])
def test_numbers_sqlite_cannot_hold_are_out_of_range_not_a_500(value):
    with pytest.raises(AppError, match="page is out of range"):
        integers.whole(value, "page")


def test_bounds_name_the_allowed_range():
    with pytest.raises(AppError, match=r"^score must be between 1 and 10\.$"):
        integers.whole("11", "score", 1, 10)
    with pytest.raises(AppError, match=r"^page must be at least 1\.$"):
        integers.whole(0, "page", low=1)
    with pytest.raises(AppError, match=r"^limit must be at most 50\.$"):
        integers.whole(51, "limit", high=50)
    assert integers.whole("10", "score", 1, 10) == 10


def test_optional_values_fall_back_to_the_default_only_when_missing_or_blank():
    assert integers.optional(None, "page", default=1) == 1
    assert integers.optional("  ", "page", default=1) == 1
    assert integers.optional("3", "page", default=1) == 3
    with pytest.raises(AppError):
        integers.optional("x", "page", default=1)


@pytest.mark.parametrize("path", ["/lists?page=99999999999999999999", "/favorites?page=-1", "/lists?page=abc"])
def test_pages_answer_400_naming_the_field_for_bad_numbers(app, member, path):
    from tests.support.web import sign_in_as

    client = sign_in_as(app.test_client(), member)
    response = client.get(path)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
