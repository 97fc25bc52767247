"""Schemathesis over the whole API, from the live OpenAPI document: every operation on main
(whatever area declared it) is called with generated valid and invalid input as the owner,
a member and an anonymous caller. No answer may be a server error, and every answer must be
one the document declares for that operation, in the declared shape and content type.

Bounded so it stays a unit test: a few examples per operation and caller, no shrinking,
rate limit off, outbound Kodik calls pointed at a closed local port. A failure lists every
(operation, caller) that broke, with schemathesis's own explanation and a curl line.
"""
from __future__ import annotations

import pytest
import schemathesis  # the [test] extra
from hypothesis import HealthCheck, Phase, given, settings

from tests.conftest import make_app, make_user

EXAMPLES = 5
CALLERS = ("owner", "member", "anonymous")


def _checks():
    from schemathesis.checks import (content_type_conformance, not_a_server_error,
                                     response_schema_conformance, status_code_conformance)
    return [not_a_server_error, status_code_conformance, content_type_conformance,
            response_schema_conformance]


@pytest.fixture
def api(tmp_path):
    app = make_app(tmp_path, API_RATE_LIMIT=0, KODIK_URL="http://127.0.0.1:9", KODIK_TIMEOUT=0.5)
    make_user(app, "owner", "owner")
    make_user(app, "member")
    yield app
    app.extensions["anihome.db"].close()


def _token_source(app):
    """A valid token per role, made again whenever the fuzzer revoked the previous one."""
    from anihome.accounts import tokens
    from anihome.models import ApiToken, User

    held: dict[str, tuple[int, str]] = {}

    def token(role: str) -> str:
        with app.app_context(), app.extensions["anihome.db"].connection_context():
            row = held.get(role)
            if row is not None:
                live = ApiToken.get_or_none(ApiToken.id == row[0])
                if live is not None and live.revoked_at is None:
                    return row[1]
            text, created = tokens.create(User.get(User.username == role), "fuzz")
            held[role] = (created.id, text)
            return text

    return token


def _strategy(operation):
    """Valid and invalid input alike (an operation without inputs has no invalid form)."""
    from schemathesis import GenerationMode

    positive = operation.as_strategy(GenerationMode.POSITIVE)
    try:
        return positive | operation.as_strategy(GenerationMode.NEGATIVE)
    except Exception:  # noqa: BLE001 - nothing to negate
        return positive


def _fuzz(operation, caller: str, token, checks) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=_strategy(operation))
    def run(case):
        headers = {} if caller == "anonymous" else {"Authorization": f"Bearer {token(caller)}"}
        case.call_and_validate(headers=headers, checks=checks)

    run()


def test_the_whole_api_answers_as_its_document_says(api):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api)
    token = _token_source(api)
    checks = _checks()
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for caller in CALLERS:
            try:
                _fuzz(operation, caller, token, checks)
            except (Exception, BaseExceptionGroup) as exc:  # every failure is collected and reported
                failures.append(f"--- {operation.label} as {caller}:\n{str(exc)[:1500]}")
    assert operations > 30
    assert not failures, f"{len(failures)} operation/caller pairs broke:\n" + "\n".join(failures)
