"""Errors of the Kodik client, and `redact()`, which keeps the API token out of their text.

The sync job tells a user "fix your token" (KodikTokenRejected), "Kodik did not like the
request" (KodikRequestError), "Kodik is down, try later" (KodikUnavailable) or "Kodik sent
garbage" (KodikBadResponse) apart by class, never by message text.
"""

import re

REDACTED = "REDACTED"
# token=... in URLs and form bodies, and 'token': '...' / "token": "..." in reprs and JSON.
_TOKEN_PATTERNS = (
    re.compile(r"(?i)(\btoken=)[^&\s'\"#<>]+"),
    re.compile(r"""(?i)(['"]token['"]\s*:\s*['"])[^'"]*"""),
)


def redact(text, secrets=()):
    """`text` with token parameters and any of the literal `secrets` replaced by REDACTED."""
    text = str(text)
    for pattern in _TOKEN_PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


class KodikError(Exception):
    """Base of every error the Kodik client raises."""


class KodikTokenRejected(KodikError):
    """Kodik refused the API token (missing, wrong or expired); retrying will not help."""

    def __init__(self, kodik_message=""):
        super().__init__("Kodik token rejected")
        self.kodik_message = kodik_message


class KodikRequestError(KodikError):
    """Kodik refused the request itself (bad type, no search key, bad limit ...)."""

    def __init__(self, kodik_message, endpoint=""):
        super().__init__(f"Kodik rejected the request to /{endpoint}: {kodik_message}")
        self.kodik_message = kodik_message
        self.endpoint = endpoint


class KodikUnavailable(KodikError):
    """Kodik did not answer usefully after every retry (timeouts, 5xx, 429, refused connections)."""

    def __init__(self, message, attempts=0, reason=""):
        super().__init__(message)
        self.attempts = attempts
        self.reason = reason


class KodikBadResponse(KodikError):
    """Kodik answered 200 with a body that is not the JSON envelope it documents."""
