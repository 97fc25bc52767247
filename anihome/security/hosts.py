"""Answer only to our own names: refuse requests whose Host header is not allowed.

A web page on another site can make a browser send requests to AniHome through a name it
controls (DNS rebinding: ``evil.example`` first resolves to the attacker, then to this
server). Such requests carry the attacker's name in ``Host``, so refusing unknown names
closes that door, first-run setup included. Allowed without any setting: IP addresses (a
page cannot rebind an address literal to us: its origin would be our own), ``localhost``
and ``*.localhost``, this machine's host name (and ``<name>.local``), the host of
``PUBLIC_URL``, and the ``HOST`` setting when it is a name. ``ALLOWED_HOSTS`` adds names
(``.example.lan`` allows its subdomains too); ``*`` turns the check off.
"""
from __future__ import annotations

import ipaddress
import logging
import socket
from urllib.parse import urlsplit

from flask import request

from ..errors import AppError

log = logging.getLogger(__name__)

_CACHE_MAX = 256  # distinct Host values remembered with their verdict


class HostNotAllowed(AppError):
    status, code = 400, "host_not_allowed"

    def __init__(self, name: str):
        super().__init__("This server does not answer to the name %(name)s. "
                         "The owner can add it to ALLOWED_HOSTS or set PUBLIC_URL.", field="Host",
                         values={"name": repr(name[:100])})


def host_name(host: str | None) -> str:
    """The name or address of a Host header, lower case, without port, brackets or final dot."""
    host = (host or "").strip().lower()
    if host.startswith("["):  # [::1]:8080
        return host[1:host.find("]")] if "]" in host else host[1:]
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class HostPolicy:
    """Which Host names this app answers to (see the module docstring)."""

    def __init__(self, settings: dict, machine_name: str | None = None):
        listed = [h for h in (settings.get("ALLOWED_HOSTS") or "").split(",") if h]
        self.any = "*" in listed
        machine = (machine_name if machine_name is not None else socket.gethostname()).lower().rstrip(".")
        names = {"localhost"}
        if machine:
            names |= {machine, machine + ".local", machine.split(".")[0]}
        public = urlsplit(settings.get("PUBLIC_URL") or "").hostname
        if public:
            names.add(public.lower())
        bind = host_name(settings.get("HOST") or "")
        if bind and not _is_address(bind):
            names.add(bind)
        names |= {h for h in listed if not h.startswith(".") and h != "*"}
        self.names = frozenset(host_name(n) for n in names)
        self.suffixes = tuple({".localhost"} | {h for h in listed if h.startswith(".")})
        self._verdicts: dict[str, bool] = {}

    def allows(self, host: str | None) -> bool:
        if self.any:
            return True
        verdict = self._verdicts.get(host or "")
        if verdict is None:
            name = host_name(host)
            verdict = bool(name) and (name in self.names or _is_address(name)
                                      or any(name.endswith(s) or name == s[1:] for s in self.suffixes))
            if len(self._verdicts) < _CACHE_MAX:
                self._verdicts[host or ""] = verdict
        return verdict


def install_host_check(app) -> None:
    """Refuse (400) every request, API and static files included, with a Host not allowed."""
    policy = HostPolicy(app.config)
    app.extensions["anihome.hosts"] = policy

    @app.before_request
    def _check_host():
        host = request.headers.get("Host") or request.host
        if not policy.allows(host):
            log.warning("request refused host=%r address=%s path=%s", host[:100], request.remote_addr,
                        request.path[:200])
            raise HostNotAllowed(host_name(host))
        return None
