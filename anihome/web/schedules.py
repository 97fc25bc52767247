"""Template filters for the admin pages (registered by admin_jobs' blueprint): ``schedule_words``,
a job's schedule in plain, translated words (see anihome/jobs/schedule_words.py), and
``local_time`` for next-run timestamps."""
from __future__ import annotations

from datetime import datetime

from ..jobs.schedule_words import words
from .templating import _datetime
from .templating import gettext as _


def schedule_words(spec) -> str:
    """"Sundays at 05:00" / "По воскресеньям в 05:00" for a JobSpec."""
    text, values = words(spec)
    values = dict(values)
    for name in values.pop("translate", []):
        value = values[name]
        values[name] = ", ".join(_(v) for v in value) if isinstance(value, list) else _(value)
    said = _(text, **values) if values else _(text)
    return said[:1].upper() + said[1:]


def local_time(value) -> str:
    """An ISO timestamp (with or without offset, already on the household's clock) as people read
    it: "6 декабря, 05:00" / "Dec 6, 05:00" (the one date formatter, ``templating._datetime``)."""
    if not value:
        return "—"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    return _datetime(value.replace(tzinfo=None))

