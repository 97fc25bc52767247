"""Which episodes a translation has, which comes next, which one ends a release, and the
Kodik player URL for one episode.

An episode is addressed by (translation, season, number). Kodik gives per-episode links
for some translations (``Episode`` rows) and only a serial link for others; then the
serial link is opened with ``season``/``episode`` parameters. A movie is season 1, episode 1.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..errors import AppError, NotFound
from ..models import Episode, Release, Translation
from .validate import row_id, whole

MOVIE_EPISODE = (1, 1)


@dataclass(frozen=True)
class EpisodeRef:
    """One playable episode of one translation."""
    release_id: int
    translation_id: int
    season: int
    number: int
    episode_id: int | None
    is_movie: bool


def get_translation(translation_id, field: str = "translation_id") -> Translation:
    tid = row_id(translation_id, field)
    translation = Translation.get_or_none(Translation.id == tid)
    if translation is None:
        raise NotFound("No such translation.", field)
    return translation


def resolve(episode_id=None, translation_id=None, season=None, number=None) -> EpisodeRef:
    """The episode named by ``episode_id``, or by ``translation_id`` + ``season`` + ``number``."""
    if episode_id is not None:
        eid = row_id(episode_id, "episode_id")
        row = (Episode.select(Episode, Translation).join(Translation)
               .where(Episode.id == eid).first())
        if row is None:
            raise NotFound("No such episode.", "episode_id")
        return EpisodeRef(row.translation.release_id, row.translation_id, row.season, row.number,
                          row.id, False)
    if translation_id is None:
        raise AppError("Give episode_id, or translation_id with season and episode.", "episode_id")
    translation = get_translation(translation_id)
    return ref_for(translation, season, number)


def ref_for(translation: Translation, season=None, number=None) -> EpisodeRef:
    """The episode (season, number) of ``translation``; a movie ignores both."""
    if translation.is_movie:
        return EpisodeRef(translation.release_id, translation.id, *MOVIE_EPISODE, None, True)
    season = whole(season, "season", 0)
    number = whole(number, "episode", 1)
    row = Episode.get_or_none((Episode.translation == translation) & (Episode.season == season)
                              & (Episode.number == number))
    if row is None and not _plausible(translation, season, number):
        raise NotFound("This translation has no such episode.", "episode")
    return EpisodeRef(translation.release_id, translation.id, season, number,
                      row.id if row else None, False)


def _plausible(translation: Translation, season: int, number: int) -> bool:
    """Without episode rows, accept what the translation's last season/episode allows."""
    if Episode.select().where(Episode.translation == translation).exists():
        return False
    last_season = translation.last_season if translation.last_season is not None else 1
    if season > last_season:
        return False
    if season == last_season and translation.last_episode and number > translation.last_episode:
        return False
    return True


def episode_list(translation: Translation) -> list[tuple[int, int, int | None]]:
    """(season, number, episode_id) of every known episode, in order."""
    if translation.is_movie:
        return [(*MOVIE_EPISODE, None)]
    rows = (Episode.select(Episode.id, Episode.season, Episode.number)
            .where(Episode.translation == translation)
            .order_by(Episode.season, Episode.number).tuples())
    found = [(season, number, eid) for eid, season, number in rows]
    return found or _guessed(translation)


def _guessed(translation: Translation) -> list[tuple[int, int, int | None]]:
    if translation.is_movie:
        return [(*MOVIE_EPISODE, None)]
    season = translation.last_season if translation.last_season is not None else 1
    last = translation.last_episode or translation.episodes_count or 0
    return [(season, n, None) for n in range(1, last + 1)]


def episode_lists(translations: list[Translation]) -> dict[int, list[tuple[int, int, int | None]]]:
    """``episode_list`` for many translations in one query, keyed by translation id."""
    found: dict[int, list] = {t.id: [] for t in translations}
    serials = [t.id for t in translations if not t.is_movie]
    if serials:
        rows = (Episode.select(Episode.id, Episode.translation, Episode.season, Episode.number)
                .where(Episode.translation.in_(serials))
                .order_by(Episode.translation, Episode.season, Episode.number).tuples())
        for eid, tid, season, number in rows:
            found[tid].append((season, number, eid))
    for translation in translations:
        if not found[translation.id]:
            found[translation.id] = _guessed(translation)
    return found


def following(episodes: list[tuple[int, int, int | None]], season: int,
              number: int) -> tuple[int, int] | None:
    """The episode after (season, number) in an episode list, or None."""
    for s, n, _ in episodes:
        if (s, n) > (season, number):
            return (s, n)
    return None


def is_first(translation: Translation | None, season: int, number: int) -> bool:
    if translation is None:
        return number == 1
    episodes = episode_list(translation)
    return not episodes or (season, number) <= episodes[0][:2]


def final_episode(release: Release) -> tuple[int, int] | None:
    """The episode that ends ``release``, or None while it is still airing (or unknown)."""
    translations = list(Translation.select().where((Translation.release == release)
                                                   & (Translation.available == True)))  # noqa: E712
    if any(t.is_movie for t in translations) or release.kind == "movie":
        return MOVIE_EPISODE
    if release.status != "released" and not (
            release.episodes_total and release.episodes_aired
            and release.episodes_aired >= release.episodes_total):
        return None
    best = None
    for translation in translations:
        episodes = episode_list(translation)
        if episodes:
            last = episodes[-1][:2]
            best = last if best is None or last > best else best
    if best is None and release.episodes_total:
        best = (1, release.episodes_total)
    if best is not None and release.episodes_total and best[1] < release.episodes_total:
        # A translation may lag behind: the release ends at its announced episode count.
        best = (best[0], release.episodes_total)
    return best


def https_link(link: str) -> str:
    """Kodik links are protocol-relative (``//host/...``): make them https. Other schemes than
    http(s) are refused (an empty string)."""
    link = (link or "").strip()
    if link.startswith("//"):
        return "https:" + link
    if link.startswith(("https://", "http://")):
        return link
    return ""


def player_src(translation: Translation, ref: EpisodeRef, start_from: int | None = None) -> str:
    """The iframe URL for ``ref``: the episode's own link, else the serial link with
    season/episode parameters; ``start_from`` (seconds) resumes playback."""
    link = None
    if ref.episode_id is not None:
        row = Episode.get_or_none(Episode.id == ref.episode_id)
        link = row.link if row else None
    params: list[tuple[str, str]] = []
    if link is None:
        link = translation.link
        if not ref.is_movie:
            params += [("season", str(ref.season)), ("episode", str(ref.number))]
    url = https_link(link)
    if not url:
        return ""
    if start_from:
        params.append(("start_from", str(int(start_from))))
    if not params:
        return url
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in dict(params)] + params
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
