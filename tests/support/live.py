"""A real waitress server for a test app, in a thread, stopped cleanly.

``server.close()`` from another thread closes the sockets under waitress's running
``select``; the loop then fails with EBADF, which pytest reports as an unhandled thread
exception. The loop here ends quietly once the stop was asked for (as WebTest's
``StopableWSGIServer`` does); an error before that still surfaces.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def served(app, threads: int = 4) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 (a free port) while the block runs; yields the base URL."""
    from waitress import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=threads)
    stopping = threading.Event()

    def run() -> None:
        try:
            server.run()
        except OSError:
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=run, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stopping.set()
        server.close()
        thread.join(5)
