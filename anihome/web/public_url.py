"""Links that leave the browser (invite links, calendar feeds): built on ``PUBLIC_URL``, the
address members use, so they never carry whatever host the owner happened to browse from
(127.0.0.1 works on this machine only). Without PUBLIC_URL they use the request's address,
and the members page warns when that address is this machine's own."""
from __future__ import annotations

from flask import current_app, request, url_for

LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


def public_base() -> str:
    """``PUBLIC_URL``, else the address of this request (no trailing slash)."""
    return (current_app.config.get("PUBLIC_URL") or request.host_url).rstrip("/")


def public_url_for(endpoint: str, **values) -> str:
    """The absolute URL of ``endpoint`` for someone else's device."""
    base = current_app.config.get("PUBLIC_URL") or ""
    if not base:
        return url_for(endpoint, _external=True, **values)
    path = url_for(endpoint, **values)
    root = request.script_root
    if root and path.startswith(root):  # PUBLIC_URL already holds the mount path
        path = path[len(root):]
    return base.rstrip("/") + path


def links_stay_on_this_machine() -> bool:
    """True when PUBLIC_URL is unset and this page was asked for through a loopback address,
    so links built now would only work on this machine."""
    if current_app.config.get("PUBLIC_URL"):
        return False
    host = request.host.rsplit(":", 1)[0] if not request.host.startswith("[") else request.host.split("]")[0] + "]"
    return host.lower() in LOOPBACK_HOSTS
