"""Artwork kept on the box: posters fetched once by a job, stored under <data dir>/posters,
served from our own origin, and one generated tile (title + genre colours) wherever no poster
is stored (the demo catalog, a poster not fetched yet, or one that could not be fetched).

Members' browsers never contact a third-party host for artwork: pages only ever point at
``/posters/<release id>``.
"""
