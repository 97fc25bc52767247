"""iCalendar (RFC 5545) text for the personal airing feed: one VEVENT per upcoming episode.

Lines end in CRLF, are folded at 75 octets, and text values escape backslash, comma,
semicolon and newlines. Times are UTC (``...Z``), so calendar apps show them in their
own zone.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from ..version import __version__

EVENT_MINUTES = 30


def escape_text(value: str) -> str:
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """Split a content line into 75-octet pieces (continuations start with one space)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    pieces, current, limit = [], b"", 75
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > limit:
            pieces.append(current.decode("utf-8"))
            current, limit = b"", 74
        current += encoded
    pieces.append(current.decode("utf-8"))
    return "\r\n ".join(pieces)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def feed_text(items: list[dict], now_utc: datetime, base_url: str, name: str = "AniHome") -> str:
    """The VCALENDAR for calendar ``items`` (from ``calendar.upcoming``); ``base_url`` links pages."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//AniHome//{__version__}//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{escape_text(name)}",
             "REFRESH-INTERVAL;VALUE=DURATION:PT6H", "X-PUBLISHED-TTL:PT6H"]
    for item in items:
        release = item["release"]
        start = item["at"]
        summary = release["title"]
        if item.get("episode"):
            summary = f"{summary} — {item['episode']}"
        url = f"{base_url.rstrip('/')}/releases/{release['id']}"
        lines += ["BEGIN:VEVENT",
                  f"UID:release-{release['id']}-{_stamp(start)}@anihome",
                  f"DTSTAMP:{_stamp(now_utc)}",
                  f"DTSTART:{_stamp(start)}",
                  f"DTEND:{_stamp(start + timedelta(minutes=EVENT_MINUTES))}",
                  f"SUMMARY:{escape_text(summary)}",
                  f"URL:{url}",
                  f"DESCRIPTION:{escape_text(release.get('title_orig') or '')}",
                  "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
