"""Numbers for people: digit groups and the decimal mark of the page's language.

Russian writes ``76 288`` and ``1,5``; English ``76,288`` and ``1.5``. The groups are joined
with a no-break space in Russian so a number never breaks across lines.
"""
from __future__ import annotations

_MARKS = {"ru": ("\u00a0", ","), "en": (",", ".")}


def number(value: float | int | None, lang: str = "en", digits: int = 0, empty: str = "—") -> str:
    """``value`` with ``digits`` decimals, grouped by thousands, in ``lang``'s marks."""
    if value is None:
        return empty
    group, decimal = _MARKS.get(lang, _MARKS["en"])
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\0").replace(".", decimal).replace("\0", group)
