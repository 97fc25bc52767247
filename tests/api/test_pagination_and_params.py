"""Pagination shape and the input parsers: bad values are a 400 naming the field."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from werkzeug.datastructures import MultiDict

from anihome.accounts import tokens
from anihome.api import params
from anihome.api.pagination import paginate, paginate_list, parse_pagination
from anihome.errors import AppError
from anihome.models import ApiToken


@pytest.mark.parametrize("query, expected", [
    ({}, (1, 20)), ({"page": "3"}, (3, 20)), ({"per_page": "100"}, (1, 100)),
    ({"page": " 2 ", "per_page": "1"}, (2, 1)), ({"page": ""}, (1, 20)),
])
def test_pagination_defaults_and_accepts_valid_values(query, expected):
    assert parse_pagination(MultiDict(query)) == expected


@pytest.mark.parametrize("query, field", [
    ({"page": "0"}, "page"), ({"page": "-1"}, "page"), ({"page": "abc"}, "page"),
    ({"per_page": "0"}, "per_page"), ({"per_page": "1000"}, "per_page"), ({"per_page": "abc"}, "per_page"),
    ({"per_page": "2.5"}, "per_page"), ({"page": "99999999999999999999999"}, "page"),
])
def test_invalid_pagination_is_a_400_naming_the_field(query, field):
    with pytest.raises(AppError) as caught:
        parse_pagination(MultiDict(query))
    assert caught.value.status == 400 and caught.value.field == field


def test_paginate_returns_the_one_shape(member, db):
    for index in range(5):
        tokens.create(member, f"t{index}")
    query = ApiToken.select().order_by(ApiToken.id)
    assert paginate(query, 2, 2, lambda t: t.label) == {
        "items": ["t2", "t3"], "page": 2, "per_page": 2, "total": 5, "pages": 3}
    assert paginate(query, 9, 2, lambda t: t.label) == {
        "items": [], "page": 9, "per_page": 2, "total": 5, "pages": 3}
    assert paginate(ApiToken.select().where(ApiToken.id < 0), 1, 20, str)["pages"] == 0


def test_paginate_list_pages_in_memory_items():
    assert paginate_list(list(range(7)), 3, 3) == {"items": [6], "page": 3, "per_page": 3, "total": 7, "pages": 3}


def test_the_api_page_shape_over_http(app, client, member):
    from .conftest import bearer, new_token

    token = new_token(app, member)
    for _ in range(2):
        new_token(app, member)
    body = client.get("/api/v1/tokens?per_page=2&page=2", headers=bearer(token)).get_json()
    assert list(body) == ["items", "page", "per_page", "total", "pages"]
    assert (body["page"], body["per_page"], body["total"], body["pages"], len(body["items"])) == (2, 2, 3, 2, 1)


def test_int_parser_takes_strings_and_json_numbers_but_not_bools_or_floats():
    assert params.parse_int({"n": "7"}, "n") == 7
    assert params.parse_int({"n": 7}, "n", maximum=7) == 7
    assert params.parse_int({}, "n", default=3) == 3
    for bad in (True, 1.5, "1e3", [1], "0x10"):
        with pytest.raises(AppError) as caught:
            params.parse_int({"n": bad}, "n")
        assert caught.value.field == "n"
    with pytest.raises(AppError, match="n is required"):
        params.parse_int({}, "n", required=True)


def test_enum_bool_date_datetime_and_string_parsers_name_the_field():
    assert params.parse_enum({"s": "new"}, "s", ["new", "old"]) == "new"
    assert params.parse_bool({"b": "yes"}, "b") is True and params.parse_bool({"b": False}, "b") is False
    assert params.parse_date({"d": "2026-01-31"}, "d") == date(2026, 1, 31)
    assert params.parse_datetime({"t": "2026-01-31T21:05:00+03:00"}, "t") == datetime(2026, 1, 31, 18, 5)
    assert params.parse_datetime({"t": "2026-01-31T18:05:00Z"}, "t") == datetime(2026, 1, 31, 18, 5)
    assert params.parse_str({"s": "  hi "}, "s", max_length=2) == "hi"
    bad_calls = [
        (params.parse_enum, {"s": "NEW"}, ("new", "old")), (params.parse_bool, {"s": "maybe"}, ()),
        (params.parse_date, {"s": "31.01.2026"}, ()), (params.parse_date, {"s": "2026-02-30"}, ()),
        (params.parse_datetime, {"s": "yesterday"}, ()), (params.parse_str, {"s": 5}, ()),
    ]
    for parser, source, extra in bad_calls:
        with pytest.raises(AppError) as caught:
            parser(source, "s", *extra)
        assert caught.value.field == "s", parser.__name__
    with pytest.raises(AppError):
        params.parse_str({"s": "abc"}, "s", max_length=2)
