"""Kodik catalog API and sync: an HTTP client (client.py, errors.py), a fake Kodik server
(fake/), and the sync that stores the catalog (mapping, upsert, sync, state, jobs, demo).

The client and the fake never touch the database; the sync feeds the client's pages into it.
See docs/kodik.md.
"""
