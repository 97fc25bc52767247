"""Keep modules the server never needs out of it: PostgreSQL drivers when it uses SQLite, and
the character-set guessers ``requests`` would import.

Peewee imports psycopg2 (and psycopg) when it is itself imported, whenever they are installed
(the ``postgres`` extra), and so does ``playhouse.migrate`` through ``playhouse.postgres_ext``:
about 5 MB of resident memory (libpq and the libraries it loads) in a process that never opens
PostgreSQL. ``requests`` imports charset_normalizer (or chardet), 3.4 MB, only to guess the
encoding of a body that names none; AniHome reads JSON (which ``requests`` decodes as UTF-8
whatever it guesses) and short error excerpts, and without a guesser ``requests`` uses UTF-8.
Measured in docs/benchmarks.md (issue 17).

``hide_unused_modules`` runs first in ``run_server``, before anything imports Peewee or
``requests``: it makes those modules unimportable in this process (``sys.modules[name] =
None``), which every library involved treats as "not installed". A server started for
SQLite cannot open PostgreSQL later (``db.open_postgres`` says so). The CLI and the tests
never hide anything.
"""
from __future__ import annotations

import sys
import warnings

POSTGRES_DRIVERS = ("psycopg2", "psycopg")
CHARSET_GUESSERS = ("charset_normalizer", "chardet")


def _hide(names: tuple[str, ...]) -> None:
    for name in names:
        sys.modules[name] = None  # ``import name`` now raises ImportError (Python's own rule)


def hide_unused_modules(overrides: dict | None = None) -> list[str]:
    """Hide the character-set guessers, and the PostgreSQL drivers when the settings ask for
    SQLite. Returns the names hidden: none once Peewee, ``requests`` or one of them has been
    imported, and no drivers when the settings cannot be read (start-up reports that itself)
    or name a DATABASE_URL."""
    from ..config import load_settings

    hidden: list[str] = []
    if not any(sys.modules.get(name) is not None for name in ("requests", *CHARSET_GUESSERS)):
        _hide(CHARSET_GUESSERS)
        hidden += CHARSET_GUESSERS
        warnings.filterwarnings("ignore", message="Unable to find acceptable character detection dependency")
    if "peewee" in sys.modules or any(sys.modules.get(name) is not None for name in POSTGRES_DRIVERS):
        return hidden
    try:
        if load_settings(overrides)["DATABASE_URL"]:
            return hidden
    except Exception:  # noqa: BLE001 - the normal start-up path reports bad settings plainly
        return hidden
    _hide(POSTGRES_DRIVERS)
    return hidden + list(POSTGRES_DRIVERS)


def drivers_hidden() -> bool:
    """True in a server that hid the PostgreSQL drivers at start."""
    return any(name in sys.modules and sys.modules[name] is None for name in POSTGRES_DRIVERS)
