"""What a notification says, in the member's language, and where it links to.

Used by the notifications page, the API (``link``) and the sender job (push text), so the
app and the phone say the same thing.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from ..i18n import translate
from ..library.continue_watching import watch_url


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str
    link: str  # a path on this site ("" when there is nothing to open)


def episodes_label(numbers: list[int], lang: str) -> str:
    """ "episode 7", "episodes 7–8" or "episodes 3, 5, 9"."""
    if not numbers:
        return translate(lang, "new episodes")
    if len(numbers) == 1:
        return translate(lang, "episode %(n)s", n=numbers[0])
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return translate(lang, "episodes %(a)s–%(b)s", a=numbers[0], b=numbers[-1])
    return translate(lang, "episodes %(list)s", list=", ".join(str(n) for n in numbers))


def episode_numbers(note) -> list[int]:
    return [int(n) for n in (note.episodes or "").split(",") if n]


def data_of(note) -> dict:
    try:
        return json.loads(note.data or "{}")
    except ValueError:
        return {}


def digest_line(line: dict, lang: str) -> str:
    """One line of a weekly digest."""
    if line.get("kind") == "episodes":
        return translate(lang, "%(title)s: %(what)s in %(dub)s", title=line.get("title", ""),
                         what=episodes_label(line.get("episodes") or [], lang), dub=line.get("dub", ""))
    if line.get("kind") == "finished":
        return translate(lang, "%(title)s finished airing. Rate it?", title=line.get("title", ""))
    return translate(lang, "%(who)s started %(title)s", who=line.get("who", ""), title=line.get("title", ""))


def render(note, release_title: str, dub: str, lang: str = "en") -> Rendered:
    """Title, body and link of one notification (``release_title``/``dub`` already looked up)."""
    t = lambda text, **v: translate(lang, text, **v)  # noqa: E731
    data = data_of(note)
    rid = note.release_id
    if note.kind == "episodes":
        numbers = episode_numbers(note)
        first = numbers[0] if numbers else 1
        link = watch_url(rid, note.translation_id, note.season or 1, first) if note.translation_id else f"/releases/{rid}"
        label = episodes_label(numbers, lang)
        return Rendered(release_title, t("%(what)s in %(dub)s", what=label[:1].upper() + label[1:], dub=dub), link)
    if note.kind == "airing_started":
        return Rendered(release_title, t("Started airing."), f"/releases/{rid}")
    if note.kind == "airing_finished":
        return Rendered(release_title, t("Finished airing. Rate it?"), f"/releases/{rid}")
    if note.kind == "comment_reply":
        who = data.get("by") or t("Someone")
        return Rendered(release_title or t("Comments"), t("%(who)s replied to your comment.", who=who),
                        f"/releases/{rid}#comment-{data.get('comment_id', '')}" if rid else "")
    if note.kind == "dub_stalled":
        text = t("%(dub)s has not added an episode for %(days)s days; %(other)s is ahead (episode %(n)s).",
                 dub=dub, days=data.get("days", ""), other=data.get("other_dub", ""), n=data.get("other_episode", ""))
        return Rendered(release_title, text, f"/releases/{rid}")
    if note.kind == "digest":
        return Rendered(t("Your week in AniHome"), "\n".join(digest_line(line, lang) for line in data.get("lines", [])),
                        "/notifications")
    if note.kind == "job_failed":
        job = data.get("job_id", "")
        return Rendered(t("AniHome: a job failed"),
                        t("The %(job)s job failed. Open the run to see why.", job=job),
                        f"/admin/jobs/runs/{data['run_id']}" if data.get("run_id") else f"/admin/jobs/?job={job}")
    return Rendered("AniHome", t("This is a test from AniHome: this channel works."), "")
