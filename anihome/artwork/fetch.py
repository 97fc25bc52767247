"""Download one poster image, defensively: timeouts, no redirects, a size cap, images only.

``fetch_image`` refuses (``PosterRefused``, with a short reason) anything that is not an
http(s) URL, not a 200, larger than the cap (announced or actually sent), slower than the
overall deadline, or whose bytes are not a JPEG, PNG, GIF or WebP picture. SVG is never
accepted from outside: it can carry script. ``requests`` is imported on first use, so the
serving process does not carry it.
"""
from __future__ import annotations

import time
from urllib.parse import urlsplit

USER_AGENT = "AniHome poster cache"
CHUNK = 16 * 1024

#: Leading bytes of the picture formats we keep, and the file extension each is stored under.
MAGIC = ((b"\xff\xd8\xff", "jpg"), (b"\x89PNG\r\n\x1a\n", "png"), (b"GIF87a", "gif"), (b"GIF89a", "gif"))


class PosterRefused(Exception):
    """The poster could not be fetched or was not acceptable; ``reason`` is a short word."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def image_extension(data: bytes) -> str | None:
    """The extension of a JPEG/PNG/GIF/WebP picture from its leading bytes, else None."""
    for magic, ext in MAGIC:
        if data.startswith(magic):
            return ext
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def fetch_image(url: str, session, max_bytes: int, timeout: float = 10.0) -> tuple[bytes, str]:
    """The bytes and extension of the picture at ``url``; raises ``PosterRefused`` otherwise."""
    import requests

    if urlsplit(url).scheme not in {"http", "https"}:
        raise PosterRefused("bad-url", url[:80])
    deadline = time.monotonic() + 2 * timeout
    try:
        response = session.get(url, timeout=(timeout, timeout), stream=True, allow_redirects=False,
                               headers={"User-Agent": USER_AGENT, "Accept": "image/*"})
    except requests.Timeout:
        raise PosterRefused("timeout") from None
    except requests.RequestException as exc:
        raise PosterRefused("unreachable", type(exc).__name__) from None
    try:
        if response.status_code != 200:
            raise PosterRefused("http-status", str(response.status_code))
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > max_bytes:
            raise PosterRefused("too-large", length)
        data = bytearray()
        try:
            for chunk in response.iter_content(CHUNK):
                data += chunk
                if len(data) > max_bytes:
                    raise PosterRefused("too-large", f">{max_bytes}")
                if time.monotonic() > deadline:
                    raise PosterRefused("timeout", "too slow")
        except requests.RequestException as exc:
            timed_out = isinstance(exc, requests.Timeout) or "timed out" in str(exc)
            raise PosterRefused("timeout" if timed_out else "unreachable", type(exc).__name__) from None
    finally:
        response.close()
    ext = image_extension(bytes(data[:16]))
    if ext is None:
        raise PosterRefused("not-an-image", response.headers.get("Content-Type", "")[:40])
    return bytes(data), ext
