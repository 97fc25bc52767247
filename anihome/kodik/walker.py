"""Walking Kodik's /list: pages one after another from a cursor, fetched ahead of the writer.

``walk`` yields ``Page``s from a cursor (or the first page) until Kodik's next-page link
ends or repeats, fetching up to ``PREFETCH_PAGES`` ahead in a helper thread so that HTTP and
JSON parsing overlap with the sync's writing; a page's ``ahead`` says how many were waiting
behind it. A broken body is asked for again twice before the error goes to the sync.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from contextlib import contextmanager
from dataclasses import replace
from typing import Iterator

from .client import ANIME_TYPES, KodikClient, Page, cursor_from_next_page
from .errors import KodikBadResponse

log = logging.getLogger(__name__)

LIST_PARAMS = {"types": ",".join(ANIME_TYPES), "with_material_data": "true", "with_episodes": "true",
               "limit": "100"}
# Pages the walker fetches ahead of the writer (a full queue means it holds one more, waiting to put it).
PREFETCH_PAGES = 2
BAD_RESPONSE_RETRIES = 2


def _fetch(client: KodikClient, cursor: str | None, number: int) -> Page:
    """One /list page (from ``cursor``, or the first page); a broken body is re-asked twice."""
    for attempt in range(BAD_RESPONSE_RETRIES + 1):
        try:
            envelope = client.list_page(cursor=cursor) if cursor else client.list_page(**LIST_PARAMS)
            break
        except KodikBadResponse:
            if attempt == BAD_RESPONSE_RETRIES:
                raise
            log.warning("kodik sync bad page, asking again page=%d attempt=%d", number, attempt + 1)
            time.sleep(0.2 * (attempt + 1))
    return Page(envelope["results"], envelope.get("total") or 0,
                cursor_from_next_page(envelope.get("next_page")), number)


def walk(client: KodikClient, cursor: str | None = None, prefetch: int = PREFETCH_PAGES) -> Iterator[Page]:
    """Yield /list pages from ``cursor`` on, fetching up to ``prefetch`` pages ahead in a thread."""
    if prefetch <= 0:
        current, number = cursor, 0
        while True:
            number += 1
            page = _fetch(client, current, number)
            yield page
            if page.cursor is None or page.cursor == current:
                return
            current = page.cursor
    pages: queue.Queue = queue.Queue(maxsize=max(1, prefetch))
    stop = threading.Event()

    def produce() -> None:
        current, number = cursor, 0
        try:
            while not stop.is_set():
                number += 1
                page = _fetch(client, current, number)
                pages.put(page)
                if page.cursor is None or page.cursor == current:
                    break
                current = page.cursor
            pages.put(None)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            pages.put(exc)

    thread = threading.Thread(target=produce, name="kodik-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            page = pages.get()
            if page is None:
                return
            if isinstance(page, BaseException):
                raise page
            yield replace(page, ahead=pages.qsize())
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            try:
                pages.get_nowait()
            except queue.Empty:
                thread.join(0.05)


@contextmanager
def closing_walk(pages: Iterator[Page]):
    """Stop the walk's prefetching thread when the block ends, however it ends."""
    try:
        yield
    finally:
        close = getattr(pages, "close", None)
        if close is not None:
            close()
