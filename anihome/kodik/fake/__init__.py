"""A faithful fake of the Kodik API (shared/kodik/API.md §10) with a deterministic catalog.

    with FakeKodik(items=500, seed=7) as fake:      # real HTTP on 127.0.0.1, port chosen freely
        client = KodikClient(fake.base_url, fake.token)

`generate_items(n, seed)` gives the same items without HTTP (demo loader);
`serve_forever(host, port, items, seed, token)` backs the `anihome fake-kodik` command.
Scripted faults and request records for tests live in `tests/support/kodik.py`.
"""

from .generator import build_catalog, generate_items
from .server import DEFAULT_TOKEN, FakeKodik, serve_forever

__all__ = ["DEFAULT_TOKEN", "FakeKodik", "build_catalog", "generate_items", "serve_forever"]
