"""Security headers on every answer: a Content-Security-Policy, no framing by other sites,
no MIME sniffing, and no Referer sent to other sites.

The policy allows scripts, styles, fonts and fetches only from AniHome itself (no inline
script or style: templates keep code in ``static/js`` and looks in ``static/css``; a test
scans them), images only from this box (posters are served from ``/posters/<id>``), and
frames only from Kodik's player hosts plus the ``KODIK_PLAYER_HOSTS`` setting. Other sites
may not frame AniHome. A view that sends its own stricter policy (the poster route) keeps it.
"""
from __future__ import annotations

# Where Kodik serves its player (docs/kodik.md; older links still use the older hosts).
KODIK_PLAYER_HOSTS = ("kodikplayer.com", "kodik.info", "kodik.cc", "kodik.biz", "aniqit.com", "kodikdb.com")


def frame_sources(extra: str = "") -> list[str]:
    """Kodik's player hosts (and their subdomains), then the extra ones from the setting."""
    sources = []
    for host in KODIK_PLAYER_HOSTS:
        sources += [host, f"*.{host}"]
    return sources + [item for item in extra.replace(",", " ").split() if item]


def content_security_policy(settings) -> str:
    frames = " ".join(frame_sources(settings.get("KODIK_PLAYER_HOSTS") or ""))
    return "; ".join((
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",  # posters are served from this box (/posters/<id>)
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self'",
        f"frame-src {frames}",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ))


def install_security_headers(app) -> None:
    headers = {
        "Content-Security-Policy": content_security_policy(app.config),
        "X-Frame-Options": "SAMEORIGIN",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }
    app.extensions["anihome.security_headers"] = headers  # the page fast path sends the same

    @app.after_request
    def _security_headers(response):
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response
