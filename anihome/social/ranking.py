"""Browse sorted by household score: the releases the household reviewed, best mean first.

The catalog's own sorts are columns of ``release`` walked through indexes; this one comes from
the review table, so it is served here: the ranking (one grouped query over the household's
reviews, a few hundred rows at most) is intersected with the browse filters and the age cap
(one query through ``catalog.queries.filtered``), and the page's cards come from one query.
Releases nobody reviewed are not in this list. Never cached: a new review shows at once.
"""
from __future__ import annotations

from peewee import fn

from ..catalog.cards import cards_for_ids
from ..catalog.params import BrowseParams
from ..catalog.filters import unindexed
from ..catalog.queries import filtered
from ..models import Release, Review

SORT = "household"


def ranked() -> list[tuple[int, float, int]]:
    """(release id, mean score, review count) of every release with visible reviews, best first
    (then most reviews, then newest id)."""
    mean = fn.AVG(Review.score)
    rows = (Review.select(Review.release, mean, fn.COUNT(Review.id))
            .where(Review.status == "visible").group_by(Review.release)
            .order_by(mean.desc(), fn.COUNT(Review.id).desc(), Review.release.desc()).tuples())
    return [(rid, round(float(avg), 2), count) for rid, avg, count in rows]


def browse(params: BrowseParams, cap: int | None) -> dict:
    """A browse page (the catalog's pagination shape) of reviewed releases by household score;
    each card carries ``household_score``."""
    ranking = ranked()
    matching: set[int] = set()
    if ranking:
        ids = [rid for rid, _, _ in ranking]
        query = filtered(params, cap, Release.id, col=unindexed).where(Release.id.in_(ids))
        matching = {rid for (rid,) in query.tuples()}
    ordered = [(rid, mean, count) for rid, mean, count in ranking if rid in matching]
    start = (params.page - 1) * params.per_page
    window = ordered[start:start + params.per_page]
    scores = {rid: {"mean": mean, "count": count} for rid, mean, count in window}
    items = [dict(card, household_score=scores[card["id"]]) for card in cards_for_ids(list(scores))]
    total = len(ordered)
    return {"items": items, "page": params.page, "per_page": params.per_page, "total": total,
            "pages": -(-total // params.per_page)}
