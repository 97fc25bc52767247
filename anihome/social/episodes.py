"""Is (season, episode) an episode of a release? Asked once when a comment is posted."""
from __future__ import annotations

from ..errors import AppError
from ..library.episodes import episode_lists
from ..models import Release, Translation


def check_episode(release: Release, season: int, episode: int) -> None:
    """AppError naming ``episode`` unless some available translation has that episode, or the
    release announces at least that many episodes (season 1)."""
    translations = list(Translation.select().where((Translation.release == release.id)
                                                   & (Translation.available == True)))  # noqa: E712
    known = {(s, n) for items in episode_lists(translations).values() for s, n, _ in items}
    if (season, episode) in known:
        return
    if season == 1 and release.episodes_total and episode <= release.episodes_total:
        return
    raise AppError("This release has no such episode.", "episode", status=404, code="not_found")
