"""Push channels, one module per kind; each has ``FIELDS``, ``SECRET_FIELD``, ``validate`` and ``send``."""
from __future__ import annotations

from importlib import import_module

KIND_MODULES = {"ntfy": "ntfy", "telegram": "telegram", "webhook": "webhook", "email": "email"}


def module_of(kind: str):
    return import_module(f"{__name__}.{KIND_MODULES[kind]}")
