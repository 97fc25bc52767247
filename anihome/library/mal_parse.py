"""Reading a MyAnimeList export from a stream, in bounded memory, whatever the file holds.

The file (XML, or gzipped XML) is read in 64 KB chunks, unpacked as it goes and fed to
expat, so neither the upload nor its unpacked text is ever held whole. Every way a file
could make the parser hold more is bounded and refused with a clear error naming ``file``:

- unpacked size over ``MAX_INFLATED`` (a gzip bomb), more than ``MAX_ENTRIES`` entries: 413;
- more than ``MAX_TAG_NAMES`` different element names, nesting deeper than ``MAX_DEPTH``,
  one piece of markup (a tag, comment, attribute) longer than ``MAX_TOKEN`` bytes (expat
  keeps a whole tag in memory), a DOCTYPE or entity declaration, an encoding Python cannot
  read, or XML that is not well-formed: 400.

Only the fields the import uses are kept, each cut to ``MAX_FIELD_CHARS``; expat's name
interning is off, so names the file invents cost nothing once refused.
"""
from __future__ import annotations

import re
import zlib
from typing import BinaryIO, Iterator

from ..errors import AppError

CHUNK = 64 * 1024
MAX_INFLATED = 20 * 1024 * 1024
MAX_ENTRIES = 10_000
MAX_TAG_NAMES = 100   # a MAL export uses about 40
MAX_DEPTH = 8         # myanimelist > anime > field is 3
MAX_TOKEN = 64 * 1024
MAX_FIELD_CHARS = 4000

FIELDS = frozenset({"series_animedb_id", "series_title", "my_status", "my_score",
                    "my_watched_episodes", "my_times_watched", "my_start_date", "my_finish_date",
                    "my_rewatching", "my_comments"})


class TooLarge(AppError):
    status, code = 413, "payload_too_large"


def _mb(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


def inflated_chunks(stream: BinaryIO) -> Iterator[bytes]:
    """The bytes of ``stream``, gunzipped when they start with the gzip magic, in chunks,
    at most ``MAX_INFLATED`` in all (``TooLarge`` beyond)."""
    first = stream.read(CHUNK)
    if not first:
        raise AppError("The file is empty.", "file")
    total = 0

    def count(piece: bytes) -> bytes:
        nonlocal total
        total += len(piece)
        if total > MAX_INFLATED:
            raise TooLarge(f"The file is larger than {_mb(MAX_INFLATED)} unpacked.", "file")
        return piece

    if first[:2] != b"\x1f\x8b":
        piece = first
        while piece:
            yield count(piece)
            piece = stream.read(CHUNK)
        return
    unpack = zlib.decompressobj(16 + zlib.MAX_WBITS)
    piece = first
    try:
        while piece and not unpack.eof:
            data = unpack.decompress(piece, CHUNK)
            while data:
                yield count(data)
                data = unpack.decompress(unpack.unconsumed_tail, CHUNK) if unpack.unconsumed_tail else b""
            piece = stream.read(CHUNK)
        if not unpack.eof:
            raise AppError("The file looks gzipped but is cut short.", "file")
    except zlib.error:
        raise AppError("The file looks gzipped but cannot be unpacked.", "file") from None


# The significant bytes in each state of the markup guard.
_STOPS = {"text": re.compile(rb"<"), "tag": re.compile(rb"[>\"']"), '"': re.compile(rb'"'),
          "'": re.compile(rb"'"), "comment": re.compile(rb"-->"), "pi": re.compile(rb"\?>"),
          "cdata": re.compile(rb"\]\]>")}
_OPENERS = ((b"<!--", "comment"), (b"<![CDATA[", "cdata"), (b"<?", "pi"))


class MarkupGuard:
    """Refuses a file in which one piece of markup runs longer than ``MAX_TOKEN`` bytes.

    Expat hands text over as it comes, but keeps a whole tag, comment or processing
    instruction in memory until it ends; this follows where each one starts and ends
    (quotes inside tags included) a step ahead of the parser."""

    def __init__(self) -> None:
        self.state = "text"
        self.start = 0      # where the current piece of markup began (absolute offset)
        self.offset = 0     # absolute offset of ``self.pending`` [0]
        self.pending = b""  # a few bytes kept across chunks (a terminator may be split)

    def feed(self, chunk: bytes) -> None:
        data = self.pending + chunk
        base, at = self.offset, 0
        while True:
            if self.state == "open":  # at a "<": which kind of markup is it?
                head = data[at:at + 9]
                if any(opener.startswith(head) and len(head) < len(opener) for opener, _ in _OPENERS):
                    break  # wait for the bytes that tell
                self.state, skip = next(((kind, len(opener)) for opener, kind in _OPENERS
                                         if head.startswith(opener)), ("tag", 1))
                at += skip
                continue
            match = _STOPS[self.state].search(data, at)
            if match is None:
                break
            at = match.end()
            if self.state == "text":
                self.state, self.start, at = "open", base + match.start(), match.start()
            elif self.state == "tag" and match.group() != b">":
                self.state = match.group().decode()
            elif self.state in ('"', "'"):
                self.state = "tag"
            else:
                self.state = "text"
        if self.state != "text" and base + len(data) - self.start > MAX_TOKEN:
            raise AppError(f"The file has a tag or comment longer than {MAX_TOKEN // 1024} KB.", "file")
        keep = min(len(data) - at, 8) if self.state != "open" else len(data) - at
        self.pending = data[len(data) - keep:] if keep else b""
        self.offset = base + len(data) - keep


def read_entries(stream: BinaryIO) -> Iterator[dict[str, str]]:
    """The ``<anime>`` entries of a MAL export as {field: text}, only ``FIELDS`` kept, yielded
    as each chunk is parsed (the caller keeps what it needs, not the dicts)."""
    from xml.parsers import expat  # only here: the serving process need not hold it until an import

    parser = expat.ParserCreate(intern=None)
    guard = MarkupGuard()
    animes: list[dict[str, str]] = []  # parsed from the current chunk
    count = 0
    names: set[str] = set()
    depth = 0
    current: dict[str, str] | None = None
    field: str | None = None
    text: list[str] = []
    size = 0

    def refuse(*_args):
        raise AppError("The file declares a DOCTYPE or entities, which are not allowed.", "file")

    def start(name, _attrs):
        nonlocal current, depth, field, size, count
        if depth == 0 and name != "myanimelist":
            raise AppError("This is not a MyAnimeList export (the root is not <myanimelist>).", "file")
        depth += 1
        if depth > MAX_DEPTH:
            raise AppError(f"The file nests tags deeper than {MAX_DEPTH} levels.", "file")
        if name not in names:
            if len(names) >= MAX_TAG_NAMES:
                raise AppError(f"The file uses more than {MAX_TAG_NAMES} different tag names.", "file")
            names.add(name)
        if depth == 2 and name == "anime":
            count += 1
            if count > MAX_ENTRIES:
                raise TooLarge(f"The file has more than {MAX_ENTRIES} entries.", "file")
            current = {}
        field = name if current is not None and depth == 3 and name in FIELDS else None
        text.clear()
        size = 0

    def end(name):
        nonlocal current, depth, field
        if field is not None and depth == 3:
            current[field] = "".join(text).strip()
        elif depth == 2 and name == "anime" and current is not None:
            animes.append(current)
            current = None
        depth -= 1
        field = None
        text.clear()

    def characters(data):
        nonlocal size
        if field is not None and size < MAX_FIELD_CHARS:
            text.append(data[:MAX_FIELD_CHARS - size])
            size += len(text[-1])

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    try:
        for chunk in inflated_chunks(stream):
            guard.feed(chunk)
            parser.Parse(chunk, False)
            yield from animes
            animes.clear()
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise AppError(f"The file is not well-formed XML ({expat.ErrorString(exc.code)}, "
                       f"line {exc.lineno}).", "file") from None
    except (LookupError, ValueError) as exc:  # an encoding Python or expat cannot read
        raise AppError(f"The file's encoding cannot be read ({exc}); save it as UTF-8.", "file") from None
    yield from animes
