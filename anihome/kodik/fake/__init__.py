"""A faithful fake of the Kodik API (shared/kodik/API.md §10) with a deterministic catalog.

    with FakeKodik(items=500, seed=7) as fake:      # real HTTP on 127.0.0.1, port chosen freely
        client = KodikClient(fake.base_url, fake.token)
        fake.add_fault("status", count=2)           # the next two requests get HTTP 502

`generate_items(n, seed)` gives the same items without HTTP (demo loader);
`serve_forever(host, port, items, seed, token)` backs the `anihome fake-kodik` command.
"""

from .faults import KINDS as FAULT_KINDS, Fault
from .generator import build_catalog, generate_items
from .server import DEFAULT_TOKEN, FakeKodik, serve_forever

__all__ = ["DEFAULT_TOKEN", "FAULT_KINDS", "FakeKodik", "Fault", "build_catalog", "generate_items", "serve_forever"]
