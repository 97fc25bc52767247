"""The generated poster tile: the title on a gradient in its genres' colours, as SVG.

It is the demo catalog's artwork and the one fallback used wherever no poster is stored,
so a page never shows a broken-image icon and never waits on another host. Colours come
from a stable hash of the genre names (the title's when it has none), so a release keeps
its colours between visits and the same genre reads alike across releases.
"""
from __future__ import annotations

import hashlib
import textwrap

from markupsafe import escape

WIDTH, HEIGHT = 240, 360
LINE_CHARS = 12
MAX_LINES = 4


def _hue(text: str) -> int:
    return int(hashlib.md5(text.encode("utf-8")).hexdigest()[:4], 16) % 360


def _lines(title: str) -> list[str]:
    lines = textwrap.wrap(title, LINE_CHARS, break_long_words=True) or ["?"]
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES]
        lines[-1] = lines[-1][: LINE_CHARS - 1] + "…"
    return lines


def tile_svg(title: str, genres: list[str] | tuple[str, ...] = ()) -> str:
    """An SVG poster (240x360) for ``title`` in the colours of its first two ``genres``."""
    title = " ".join((title or "").split()) or "?"
    keys = [g for g in genres if g][:2] or [title]
    top, bottom = _hue(keys[0]), _hue(keys[-1] if len(keys) > 1 else keys[0] + "~")
    initial = escape(title[:1].upper())
    lines = _lines(title)
    size = 23 if len(lines) <= 3 else 20
    first_y = HEIGHT - 24 - (len(lines) - 1) * (size + 4)
    text = "".join(
        f'<tspan x="18" y="{first_y + i * (size + 4)}">{escape(line)}</tspan>' for i, line in enumerate(lines))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}">'
        f'<defs><linearGradient id="g" x1="0" y1="0" x2="0.6" y2="1">'
        f'<stop offset="0" stop-color="hsl({top},55%,46%)"/><stop offset="1" stop-color="hsl({bottom},60%,22%)"/>'
        f'</linearGradient></defs>'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="url(#g)"/>'
        f'<circle cx="200" cy="70" r="110" fill="#fff" opacity=".07"/>'
        f'<text x="22" y="150" font-family="system-ui,sans-serif" font-size="120" font-weight="700" '
        f'fill="#fff" opacity=".28">{initial}</text>'
        f'<text font-family="system-ui,sans-serif" font-size="{size}" font-weight="700" fill="#fff">{text}</text>'
        f'</svg>')
