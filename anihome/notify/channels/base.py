"""What every channel shares: the message, typed errors, and one careful HTTP POST.

Outbound HTTP follows the Kodik client's rules: ``requests`` is imported on first use (the
idle server never carries it), every call has a 5 s timeout, redirects are never followed,
the session is injectable (tests, the sender job's pooled session), and error texts never
carry a secret (``redact``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from ...kodik.errors import redact

TIMEOUT = 5.0


@dataclass(frozen=True)
class Message:
    """One push: a title, a body, a link, plus what a webhook needs to act on it."""

    title: str
    body: str
    url: str = ""
    idempotency_key: str = ""
    payload: dict = field(default_factory=dict)
    #: The signed one-click unfollow link (``unfollow_links``) and its label in the member's
    #: language; empty when the notification is not about a followed release.
    unfollow_url: str = ""
    unfollow_text: str = ""


class ChannelError(Exception):
    """A push failed for a reason that may pass (timeout, refused, 5xx, 429): retry later."""


class ChannelRejected(ChannelError):
    """The receiver refused the push (4xx, a redirect, bad settings): retrying will not help."""


def new_session():
    import requests

    session = requests.Session()
    session.trust_env = False  # no proxies from the environment: the owner decides where pushes go
    return session


def post(session, url: str, *, secrets=(), settings: Mapping[str, Any] | None = None, **kwargs):
    """POST with a 5 s timeout and no redirects; map failures to ChannelError / ChannelRejected."""
    import requests

    if settings is not None:
        from ..household import check_url
        from ...errors import AppError

        try:
            check_url(url, settings)
        except AppError as exc:
            raise ChannelRejected(exc.message) from None
    session = session or new_session()
    kwargs.setdefault("timeout", TIMEOUT)
    try:
        response = session.post(url, allow_redirects=False, **kwargs)
    except requests.Timeout:
        raise ChannelError(f"no answer within {kwargs['timeout']:g} s") from None
    except requests.RequestException as exc:
        raise ChannelError(redact(f"could not connect: {type(exc).__name__}: {exc}", secrets)) from None
    status = response.status_code
    if 200 <= status < 300:
        return response
    text = redact(response.text[:200].strip(), secrets)
    if 300 <= status < 400:
        raise ChannelRejected(f"HTTP {status}: redirects are not followed")
    if status in (408, 425, 429) or status >= 500:
        raise ChannelError(f"HTTP {status}: {text}" if text else f"HTTP {status}")
    raise ChannelRejected(f"HTTP {status}: {text}" if text else f"HTTP {status}")
