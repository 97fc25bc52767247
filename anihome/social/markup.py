"""The tiny safe markup of comments and reviews: escape first, then format.

Stored text is plain. ``render`` escapes all of it, then adds paragraphs (blank lines),
line breaks, ``**bold**``, ``*italic*``, inline spoilers ``||like this||`` and http(s) links
with ``rel="nofollow noopener noreferrer"``. Markers pair up like brackets: an unclosed or
crossing marker stays literal text, so the output is always well-formed. No scheme but
http and https ever becomes a link, so ``javascript:`` stays text.
"""
from __future__ import annotations

import re
from html import escape

from markupsafe import Markup

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PARAGRAPHS = re.compile(r"\n[ \t]*\n\s*")
# Runs on escaped text: '<' and '"' are already entities, so they cannot end up in a link.
_LINK = re.compile(r"\bhttps?://(?:(?!&quot;|&#x27;|&lt;|&gt;)[^\s<>\"'])+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}"
_MARKERS = re.compile(r"(\|\||\*\*|\*|\x00\d+\x00)")
_TAGS = {"||": ('<span class="spoiler" tabindex="0" role="button" aria-pressed="false">', "</span>"),
         "**": ("<strong>", "</strong>"), "*": ("<em>", "</em>")}


def clean(text: str | None) -> str:
    """Newlines unified, control characters dropped, ends trimmed (what gets stored)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


def _link(url: str) -> tuple[str, str]:
    """(anchor HTML, trailing punctuation that is not part of the URL)."""
    tail = ""
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        tail = url[-1] + tail
        url = url[:-1]
    if url.endswith("&amp"):  # an escaped '&' cut by the trailing ';'
        url, tail = url[:-4], "&amp" + tail
    return f'<a href="{url}" rel="nofollow noopener noreferrer">{url}</a>', tail


def _inline(text: str) -> str:
    """Escaped text of one paragraph with links, bold, italic and spoilers."""
    links: list[str] = []

    def hold(match: re.Match) -> str:
        anchor, tail = _link(match.group(0))
        links.append(anchor)
        return f"\x00{len(links) - 1}\x00{tail}"

    tokens = [t for t in _MARKERS.split(_LINK.sub(hold, text)) if t]
    closes: dict[int, int] = {}
    stack: list[int] = []
    for index, token in enumerate(tokens):
        if token not in _TAGS:
            continue
        opened = [i for i in stack if tokens[i] == token]
        if opened:
            start = opened[-1]
            while stack[-1] != start:  # crossing markers inside stay literal
                stack.pop()
            stack.pop()
            if index - start > 1:  # an empty pair stays literal
                closes[start] = index
        else:
            stack.append(index)
    opens_at = set(closes)
    close_at = set(closes.values())
    out = []
    for index, token in enumerate(tokens):
        if index in opens_at:
            out.append(_TAGS[token][0])
        elif index in close_at:
            out.append(_TAGS[token][1])
        elif token.startswith("\x00"):
            out.append(links[int(token.strip("\x00"))])
        else:
            out.append(token)
    return "".join(out)


def render(text: str | None) -> Markup:
    """Stored plain text as safe HTML paragraphs."""
    text = clean(text)
    if not text:
        return Markup("")
    paragraphs = []
    for chunk in _PARAGRAPHS.split(text):
        html = _inline(escape(chunk.strip(), quote=True)).replace("\n", "<br>\n")
        paragraphs.append(f"<p>{html}</p>")
    return Markup("\n".join(paragraphs))


def plain(text: str | None, limit: int = 140) -> str:
    """A one-line excerpt without markers (for the moderation queue and notifications)."""
    flat = re.sub(r"\s+", " ", clean(text)).replace("||", "").replace("**", "")
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + "…"
