"""Kodik catalog API: an HTTP client (client.py, errors.py) and a fake Kodik server (fake/).

Nothing here touches the database; the sync service feeds the client's pages into it.
"""
