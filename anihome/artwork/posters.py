"""Posters: what ``/posters/<id>`` answers, and the job that fills the local poster cache.

``poster_for`` gives the stored copy of a release's poster or, when there is none, the
generated tile (``tile.py``). ``cache_posters`` is the ``posters`` job: it walks available
releases, most popular first, and fetches each poster that is not stored yet, at most
POSTER_FETCH_BATCH per run, politely (a pause between requests), until the folder reaches
POSTER_CACHE_MB. Each poster is stored resized to card size as WebP (``resize.py``). Failures
leave a marker and are retried after POSTER_RETRY_DAYS. The demo catalog is never fetched:
its poster URLs are made up and its artwork is the tile.
"""
from __future__ import annotations

import logging
import time
from itertools import islice
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from ..catalog.agecap import allowed
from ..catalog.titles import title_in
from ..errors import NotFound
from ..i18n import N_
from ..models import Genre, Release, ReleaseGenre
from .fetch import PosterRefused, fetch_image
from .resize import shrink
from .store import PosterStore
from .tile import tile_svg

log = logging.getLogger(__name__)

JOB_ID = "posters"
PAUSE_SECONDS = 0.25  # at most ~4 requests a second to the poster hosts


def poster_store(settings: Mapping[str, Any]) -> PosterStore:
    return PosterStore(Path(settings["DATA_DIR"]) / "posters", max(0, settings["POSTER_CACHE_MB"]) * 1024 * 1024)


@dataclass(frozen=True)
class Poster:
    """A stored file (``path`` + ``mimetype``) or a generated tile (``svg``)."""

    path: Path | None = None
    mimetype: str = "image/svg+xml"
    svg: str | None = None


def poster_for(settings: Mapping[str, Any], release_id: int, cap: int | None, mode: str = "ru") -> Poster:
    """The poster of a release: the stored copy, else its tile (with the title in the member's
    title language ``mode``); a release above the caller's age cap gets a neutral tile (so no
    page shows a broken image, and nothing of it is shown)."""
    release = (Release.select(Release.id, Release.title, Release.title_orig, Release.title_en,
                              Release.poster_url, Release.age_limit)
               .where(Release.id == release_id).first())
    if release is None:
        raise NotFound("No such release.")
    if not allowed(release, cap):  # e.g. on a kid's old list entry: a neutral tile, never the artwork
        return Poster(svg=tile_svg("?"))
    found = poster_store(settings).find(release.id, release.poster_url)
    if found is not None:
        return Poster(path=found[0], mimetype=found[1])
    genres = [name for (name,) in Genre.select(Genre.name).join(ReleaseGenre)
              .where(ReleaseGenre.release == release.id).order_by(Genre.name).tuples()]
    return Poster(svg=tile_svg(title_in(release, mode), genres))


def _wanted(store: PosterStore, retry_after: float, now: float):
    """(id, url) of releases whose poster is neither stored nor recently refused, most popular first."""
    query = (Release.select(Release.id, Release.poster_url)
             .where(Release.available == True, Release.poster_url != "")  # noqa: E712
             .order_by(Release.popularity.desc(), Release.id).tuples())
    for release_id, url in query.iterator():
        if store.find(release_id, url) is not None:
            continue
        missed = store.missed_since(release_id, url)
        if missed is not None and now - missed < retry_after:
            continue
        yield release_id, url


def fill_poster_cache(settings: Mapping[str, Any], session=None, sleep: Callable[[float], None] = time.sleep,
                      progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Fetch up to POSTER_FETCH_BATCH missing posters into the store; return the counts."""
    from ..kodik.demo import is_demo

    counts = {"stored": 0, "refused": 0, "bytes": 0, "full": 0}
    if is_demo():
        return counts
    store = poster_store(settings)
    batch, max_bytes = settings["POSTER_FETCH_BATCH"], settings["POSTER_MAX_KB"] * 1024
    retry_after = settings["POSTER_RETRY_DAYS"] * 86400
    total = store.total_bytes()
    own_session = session is None
    if own_session:
        import requests

        session = requests.Session()
    try:
        wanted = _wanted(store, retry_after, time.time())
        candidates = list(islice(wanted, batch))
        wanted.close()  # no read transaction stays open while we fetch
        for done, (release_id, url) in enumerate(candidates):
            if total >= store.max_total_bytes:
                counts["full"] = 1
                log.warning("poster cache full bytes=%d limit=%d", total, store.max_total_bytes)
                break
            if done:
                sleep(PAUSE_SECONDS)
            try:
                data, ext = fetch_image(url, session, min(max_bytes, store.max_total_bytes - total),
                                        settings["POSTER_TIMEOUT"])
                data, ext = shrink(data)
            except PosterRefused as exc:
                store.record_miss(release_id, url)
                counts["refused"] += 1
                log.info("poster refused release=%d reason=%s", release_id, exc.reason)
            else:
                store.save(release_id, url, data, ext)
                total += len(data)
                counts["stored"] += 1
                counts["bytes"] += len(data)
            if progress is not None:
                progress(done + 1, len(candidates))
    finally:
        if own_session:
            session.close()
    log.info("posters stored=%d refused=%d cache_bytes=%d", counts["stored"], counts["refused"], total)
    return counts


def cache_posters(ctx) -> dict[str, int]:
    """Job: fetch posters not stored yet into <data dir>/posters (bounded by POSTER_CACHE_MB)."""
    def report(done: int, batch: int) -> None:
        ctx.progress(done / batch if batch else None, N_("%(done)s posters tried") % {"done": done})

    return fill_poster_cache(ctx.settings, progress=report)
