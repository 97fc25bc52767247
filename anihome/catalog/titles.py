"""Which title of a release a member reads first: Russian (Kodik's main title), romaji (the
original title in Latin letters) or English, each falling back to the next one that exists.
Works on card dicts and Release rows alike."""
from __future__ import annotations

TITLE_MODES = ("ru", "romaji", "en")
_ORDER = {"ru": ("title",), "romaji": ("title_orig", "title"), "en": ("title_en", "title_orig", "title")}


def mode_of(user) -> str:
    """The member's choice ("ru" when none, or signed out)."""
    choice = getattr(user, "title_language", None)
    return choice if choice in TITLE_MODES else "ru"


def title_in(item, mode: str) -> str:
    """``item``'s title in ``mode``, else the next title that exists."""
    get = item.get if isinstance(item, dict) else (lambda name: getattr(item, name, None))
    for name in _ORDER.get(mode, _ORDER["ru"]):
        value = get(name)
        if value:
            return value
    return get("title") or ""


def other_titles(item, mode: str) -> list[str]:
    """The release's other main titles (not the one shown), without repeats."""
    shown = title_in(item, mode)
    get = item.get if isinstance(item, dict) else (lambda name: getattr(item, name, None))
    seen, out = {shown}, []
    for name in ("title", "title_orig", "title_en"):
        value = get(name)
        if value and value not in seen:
            seen.add(value)
            out.append(value)
    return out


def titles_by_id(release_ids, mode: str) -> dict[int, str]:
    """{release id: its title in ``mode``} for the given releases, in one query."""
    from ..models import Release

    ids = sorted({int(rid) for rid in release_ids})
    if not ids:
        return {}
    rows = Release.select(Release.id, Release.title, Release.title_orig, Release.title_en).where(
        Release.id.in_(ids))
    return {row.id: title_in(row, mode) for row in rows}


def with_display_titles(data, mode: str):
    """A copy of API JSON ``data`` (dicts and lists) where every release-shaped dict (one with
    ``title`` and ``title_orig``) also carries ``display_title``: its title in ``mode``.
    Never changes ``data`` itself (it may be a cached answer)."""
    if isinstance(data, dict):
        copy = {key: with_display_titles(value, mode) for key, value in data.items()}
        if "title" in data and "title_orig" in data:
            copy["display_title"] = title_in(data, mode)
        return copy
    if isinstance(data, list):
        return [with_display_titles(item, mode) for item in data]
    return data
