""""Test connection": one quick question to Kodik with a token, before the owner relies on it.

The admin page tests a new token before storing it, so a wrong token is refused at once with
Kodik's own reason instead of being "saved" and failing later in the sync history. One
request (``/list``, one item), no retries, short timeouts; the token never appears in a
result or a log line.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Mapping

from ..errors import AppError
from .errors import KodikError, KodikRequestError, KodikTokenRejected, KodikUnavailable, redact

log = logging.getLogger(__name__)

QUICK_TIMEOUT = (3.0, 10.0)  # connect, read (seconds)


@dataclass(frozen=True)
class ConnectionCheck:
    """The answer to "does this token work?": ``problem`` is "", "rejected" (Kodik refused
    the token), "unreachable" or "broken" (Kodik answered something unusable)."""
    problem: str = ""
    reason: str = ""  # Kodik's own words, or what went wrong on the way (never the token)
    total: int | None = None  # titles Kodik reports for the sync's types, when it worked

    @property
    def ok(self) -> bool:
        return not self.problem


class TokenCheckFailed(AppError):
    """A token that did not pass the connection test; ``values`` fill the message."""

    MESSAGES = {"rejected": "Kodik refused this token: %(reason)s",
                "unreachable": "Kodik could not be reached, so the token was not checked: %(reason)s",
                "broken": "Kodik's answer could not be read, so the token was not checked: %(reason)s"}

    def __init__(self, check: ConnectionCheck):
        super().__init__(self.MESSAGES[check.problem], field="token")
        self.check = check
        self.values = {"reason": check.reason or "—"}


def test_token(settings: Mapping[str, Any], token: str) -> ConnectionCheck:
    """Ask Kodik (``KODIK_URL``) for one anime item with ``token``."""
    from .sync import make_client
    from .walker import LIST_PARAMS

    try:
        with make_client(settings, token, retries=0, timeout=QUICK_TIMEOUT, max_rps=0) as client:
            envelope = client.list_page(types=LIST_PARAMS["types"], limit=1)
    except KodikTokenRejected as exc:
        check = ConnectionCheck("rejected", exc.kodik_message or "the token is not valid")
    except KodikRequestError as exc:
        check = ConnectionCheck("broken", exc.kodik_message)
    except KodikUnavailable as exc:
        check = ConnectionCheck("unreachable", exc.reason or str(exc))
    except KodikError as exc:
        check = ConnectionCheck("broken", str(exc))
    else:
        total = envelope.get("total")
        check = ConnectionCheck(total=total if isinstance(total, int) else None)
    check = ConnectionCheck(check.problem, redact(check.reason, [token]), check.total)
    log.info("kodik token tested ok=%s problem=%s", check.ok, check.problem or "-")
    return check
