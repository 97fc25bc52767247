"""What the player page shows: the dub, the episode, where to start, the iframe URL and
the origin its messages must come from, the episode list with progress, and what is next.

Choice of dub: the one asked for, else the member's remembered choice, else the dub of
their latest progress, else the default. Choice of episode: the one asked for, else where
"next up" points, else the first episode.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .. import integers
from ..errors import NotFound
from ..models import Release, Translation, WatchProgress
from . import continue_watching, episodes, lists, progress
from .episodes import EpisodeRef


@dataclass
class EpisodeLink:
    season: int
    number: int
    episode_id: int | None
    percent: int
    watched: bool
    current: bool
    url: str


@dataclass
class WatchPage:
    release: Release
    translation: Translation
    translations: list[Translation]
    ref: EpisodeRef
    src: str
    origin: str
    start_from: int
    progress: WatchProgress | None
    episodes: list[EpisodeLink]
    next_url: str | None
    next_label: tuple[int, int] | None
    prev_url: str | None
    team_ids: dict[int, int] = field(default_factory=dict)
    blocked: bool = False  # the rights holder blocked this episode in this translation
    blocked_ids: set[int] = field(default_factory=set)  # translations whose latest season is blocked

    @property
    def alternatives(self) -> list[Translation]:
        """Other translations worth offering when this one does not play: unblocked first."""
        others = [t for t in self.translations if t.id != self.translation.id]
        return sorted(others, key=lambda t: t.id in self.blocked_ids)


def build(user_id: int, release_id: int, translation=None, season=None, episode=None) -> WatchPage:
    """The player page for a member; NotFound for an unknown release, dub or episode, and
    for a release above the member's age cap."""
    release = lists.release_for(user_id, release_id)
    translation_id = integers.optional(translation, "translation")
    season, episode = integers.optional(season, "season"), integers.optional(episode, "episode")
    available = list(Translation.select()
                     .where((Translation.release == release) & (Translation.available == True))  # noqa: E712
                     .order_by(Translation.voice.desc(), Translation.team))
    if translation_id is not None:
        chosen = next((t for t in available if t.id == translation_id), None)
        if chosen is None:
            raise NotFound("This release has no such translation.", "translation")
    else:
        latest = progress.latest_for_release(user_id, release.id)
        chosen = continue_watching.translation_for(user_id, release.id,
                                                   latest.translation_id if latest else None)
        if chosen is None:
            raise NotFound("This release has nothing to play yet.", "translation")
    ep_list = episodes.episode_list(chosen)
    if chosen.is_movie:
        ref = episodes.ref_for(chosen)
    else:
        if episode is None:
            up = continue_watching.next_up(user_id, release.id, release)
            season, episode = ((up.season, up.episode) if up is not None
                               else ep_list[0][:2] if ep_list else (1, 1))
        ref = episodes.ref_for(chosen, 1 if season is None else season, episode)
    row = progress.get(user_id, release.id, ref.season, ref.number)
    start_from = progress.resume_position(row)
    src = episodes.player_src(chosen, ref, start_from)
    if not src:
        raise NotFound("This translation has no playable link.", "translation")
    saved = {(p.season, p.number): p for p in progress.for_release(user_id, release.id)}
    links = []
    for s, n, eid in ep_list:
        p = saved.get((s, n))
        links.append(EpisodeLink(s, n, eid, p.percent if p else 0, bool(p and p.watched),
                                 (s, n) == (ref.season, ref.number),
                                 continue_watching.watch_url(release.id, chosen.id, s, n)))
    following = None if chosen.is_movie else episodes.following(ep_list, ref.season, ref.number)
    before = [link for link in links if (link.season, link.number) < (ref.season, ref.number)]
    return WatchPage(
        release=release, translation=chosen, translations=available, ref=ref, src=src,
        origin=episodes.origin_of(src), start_from=start_from, progress=row, episodes=links,
        next_url=(continue_watching.watch_url(release.id, chosen.id, *following)
                  if following else None),
        next_label=following, prev_url=before[-1].url if before else None,
        team_ids={t.team_id: t.id for t in available},
        blocked=chosen.is_blocked(ref.season, None if chosen.is_movie else ref.number),
        blocked_ids={t.id for t in available if t.is_blocked()})
