"""The ``notify-deliver`` job: send due deliveries from the outbox, record each outcome at once.

* First, notifications marked ``push_pending`` (the outbox mark, written with the event)
  become one ``pending`` delivery per enabled channel of an allowed kind.
* Due = ``pending`` with ``next_attempt_at`` passed. Taken in batches (bounded memory).
* Quiet hours: a member's pushes wait (``next_attempt_at`` = the end of their quiet hours).
* Channels are sent in parallel (a few threads, one per channel at a time), each push with a
  5 s timeout, so one slow or dead receiver never holds up the others; after a failure the
  rest of that channel's pushes wait for the next run.
* A failure that may pass is retried after 1 min, 5 min, 30 min and 2 h, then marked
  ``failed`` (shown to the member and the owner); a refusal (4xx, a redirect) fails at once.
* Worker threads only push; the job's own thread commits each outcome as soon as it arrives
  (one writer), and every push carries its delivery's idempotency key: a crash can at worst
  repeat the pushes in flight, with the same key.
"""
from __future__ import annotations

import logging
import queue
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any, Callable, Mapping

from ..clock import utcnow
from ..db import write_transaction
from ..i18n import N_, translate
from ..kodik.errors import redact
from ..models import User
from ..models.notify import Channel, Delivery, Notification, NotifyPrefs
from . import household
from .channels import module_of
from .channels.base import ChannelError, ChannelRejected, Message, new_session
from .inbox import with_text
from .prefs import quiet_until
from .unfollow_links import FOLLOW_KINDS, path_for

log = logging.getLogger(__name__)

JOB_ID = "notify-deliver"
BACKOFF_SECONDS = (60, 300, 1800, 7200)
BATCH = 200
WORKERS = 4


def _app_secret_key() -> str:
    """The running app's secret key (the sender runs in its context), else none: no links."""
    from flask import current_app, has_app_context

    return (current_app.secret_key or "") if has_app_context() else ""


def next_try(attempts: int, now: datetime) -> datetime | None:
    """When to try again after ``attempts`` failed tries; None when it is time to give up."""
    if attempts > len(BACKOFF_SECONDS):
        return None
    return now + timedelta(seconds=BACKOFF_SECONDS[attempts - 1])


class Sender:
    """One run of the sender; ``clock`` and ``session_factory`` are injectable (tests, benchmarks)."""

    def __init__(self, settings: Mapping[str, Any], clock: Callable[[], datetime] = utcnow,
                 session_factory: Callable[[], Any] = new_session, workers: int = WORKERS, batch: int = BATCH,
                 secret_key: str | None = None):
        self.settings = settings
        self.secret_key = _app_secret_key() if secret_key is None else secret_key  # signs unfollow links
        self.clock = clock
        self.session_factory = session_factory
        self.workers = workers
        self.batch = batch
        self.counts = {"sent": 0, "retried": 0, "failed": 0, "held": 0}
        self._lock = threading.Lock()
        self._skipped: set[int] = set()
        self._sessions = threading.local()

    # --- the run ---------------------------------------------------------------------------
    def run(self, progress: Callable[[dict], None] | None = None) -> dict[str, int]:
        """Send until nothing is due. Worker threads only push; this thread records each outcome
        as it arrives (one writer, so no thread waits on SQLite's write lock)."""
        with ThreadPoolExecutor(self.workers, thread_name_prefix="notify-send") as pool:
            while True:
                self._expand()
                due = self._due()
                if not due:
                    break
                by_channel = self._prepare(due)
                outcomes: queue.Queue = queue.Queue()
                for work in by_channel.values():
                    pool.submit(self._send_channel, work, outcomes)
                finished = 0
                while finished < len(by_channel):
                    delivery, channel, error = outcomes.get()
                    if delivery is None:
                        finished += 1
                    elif error is None:
                        self._sent(delivery)
                    else:
                        self._failed(delivery, channel, error)
                if progress:
                    progress(dict(self.counts))
        log.info("notify deliver done sent=%d retried=%d failed=%d held=%d", self.counts["sent"],
                 self.counts["retried"], self.counts["failed"], self.counts["held"])
        return dict(self.counts)

    def _expand(self) -> None:
        """Turn notifications marked ``push_pending`` into one pending delivery per enabled channel
        of an allowed kind, and clear the mark, in one transaction per batch."""
        allowed = household.allowed_kinds()
        while True:
            notes = list(Notification.select(Notification.id, Notification.user)
                         .where(Notification.push_pending == True).order_by(Notification.id)  # noqa: E712
                         .limit(self.batch * 2))
            if not notes:
                return
            users = sorted({n.user_id for n in notes})
            channels: dict[int, list[int]] = defaultdict(list)
            for cid, user, kind in (Channel.select(Channel.id, Channel.user, Channel.kind)
                                    .where(Channel.user.in_(users) & (Channel.enabled == True)).tuples()):  # noqa: E712
                if kind in allowed:
                    channels[user].append(cid)
            now = self.clock()
            rows = [{"notification": n.id, "channel": cid, "user": n.user_id, "status": "pending", "attempts": 0,
                     "next_attempt_at": now, "idempotency_key": f"{n.id}-{cid}", "created_at": now}
                    for n in notes for cid in channels.get(n.user_id, ())]
            with write_transaction():
                if rows:
                    Delivery.insert_many(rows).on_conflict_ignore().execute()
                Notification.update(push_pending=False).where(Notification.id.in_([n.id for n in notes])).execute()

    def _due(self) -> list[Delivery]:
        query = (Delivery.select().where((Delivery.status == "pending") & (Delivery.next_attempt_at <= self.clock()))
                 .order_by(Delivery.next_attempt_at, Delivery.id).limit(self.batch))
        if self._skipped:
            query = query.where(Delivery.channel.not_in(sorted(self._skipped)))
        return list(query)

    def _prepare(self, due: list[Delivery]) -> dict[int, list[tuple[Delivery, Channel, Message]]]:
        """Hold pushes in quiet hours, fail those whose channel kind is no longer allowed, render the rest."""
        now = self.clock()
        tz = self.settings.get("TIMEZONE") or "UTC"
        users = {d.user_id for d in due}
        prefs = {p.user_id: p for p in NotifyPrefs.select().where(NotifyPrefs.user.in_(list(users)))}
        langs = dict(User.select(User.id, User.locale).where(User.id.in_(list(users))).tuples())
        channels = {c.id: c for c in Channel.select().where(Channel.id.in_(list({d.channel_id for d in due})))}
        notes = {n.id: n for n in Notification.select().where(
            Notification.id.in_(list({d.notification_id for d in due})))}
        allowed = household.allowed_kinds()
        held: dict[datetime, list[int]] = defaultdict(list)
        refused: list[tuple[Delivery, str]] = []
        work: dict[int, list] = defaultdict(list)
        texts: dict[tuple[int, str], Any] = {}
        base = (self.settings.get("PUBLIC_URL") or "").rstrip("/")
        for d in due:
            until = quiet_until(prefs.get(d.user_id), now, tz)
            if until is not None:
                held[until].append(d.id)
                continue
            channel = channels.get(d.channel_id)
            if channel is None or d.notification_id not in notes:  # removed since this batch was read
                continue
            if channel.kind not in allowed or not channel.enabled:
                refused.append((d, "the owner no longer allows this kind of channel" if channel.kind not in allowed
                                else "the channel was turned off"))
                continue
            lang = langs.get(d.user_id) or "en"
            key = (d.notification_id, lang)
            if key not in texts:
                texts[key] = with_text([notes[d.notification_id]], lang)[0]
            item = texts[key]
            link = f"{base}{item.text.link}" if base and item.text.link else item.text.link
            unfollow = ""
            if self.secret_key and item.note.release_id and item.note.kind in FOLLOW_KINDS:
                unfollow = base + path_for(self.secret_key, d.user_id, item.note.release_id)
            payload = {"kind": item.note.kind, "notification_id": item.note.id, "release_id": item.note.release_id,
                       "translation_id": item.note.translation_id, "season": item.note.season,
                       "episodes": [int(e) for e in item.note.episodes.split(",") if e]}
            work[d.channel_id].append((d, channel, Message(item.text.title, item.text.body, link, d.idempotency_key,
                                                           payload, unfollow, translate(lang, "Unfollow"))))
        if held or refused:
            with write_transaction():
                for until, ids in held.items():
                    Delivery.update(next_attempt_at=until).where(Delivery.id.in_(ids)).execute()
                for d, reason in refused:
                    Delivery.update(status="failed", last_error=reason).where(Delivery.id == d.id).execute()
            self.counts["held"] += sum(len(ids) for ids in held.values())
            self.counts["failed"] += len(refused)
        return work

    # --- one channel, in a worker thread -------------------------------------------------------
    def _session(self):
        session = getattr(self._sessions, "session", None)
        if session is None:
            session = self._sessions.session = self.session_factory()
        return session

    def _send_channel(self, work: list[tuple[Delivery, Channel, Message]], outcomes: queue.Queue) -> None:
        """Push one channel's messages in order; stop at its first failure. Reports to ``outcomes``."""
        try:
            for delivery, channel, message in work:
                try:
                    module_of(channel.kind).send(channel, message, session=self._session(), settings=self.settings)
                except ChannelError as exc:
                    with self._lock:
                        self._skipped.add(channel.id)
                    outcomes.put((delivery, channel, exc))
                    return
                except Exception as exc:  # a bug in a channel module: recorded as a failure, never lost
                    log.exception("notify channel crashed channel_id=%s kind=%s", channel.id, channel.kind)
                    with self._lock:
                        self._skipped.add(channel.id)
                    outcomes.put((delivery, channel, ChannelError(f"internal error: {type(exc).__name__}")))
                    return
                outcomes.put((delivery, channel, None))
        finally:
            outcomes.put((None, None, None))

    def _sent(self, delivery: Delivery) -> None:
        with write_transaction():
            Delivery.update(status="sent", sent_at=self.clock(), attempts=Delivery.attempts + 1, last_error="") \
                .where(Delivery.id == delivery.id).execute()
        self.counts["sent"] += 1

    def _failed(self, delivery: Delivery, channel: Channel, exc: ChannelError) -> None:
        attempts = delivery.attempts + 1
        retry = None if isinstance(exc, ChannelRejected) else next_try(attempts, self.clock())
        error = redact(str(exc), (channel.secret,))[:500]
        changes = {"attempts": attempts, "last_error": error}
        changes.update({"next_attempt_at": retry} if retry else {"status": "failed"})
        with write_transaction():
            Delivery.update(**changes).where(Delivery.id == delivery.id).execute()
        self.counts["retried" if retry else "failed"] += 1
        log.warning("notify delivery %s delivery_id=%s channel_id=%s kind=%s attempts=%d error=%s",
                    "will retry" if retry else "failed", delivery.id, channel.id, channel.kind, attempts, error)


def deliver_job(ctx) -> dict[str, int]:
    """Job: send due notifications to members' channels (retries, backoff, quiet hours)."""
    def report(counts: dict) -> None:
        ctx.counts.update(counts)
        ctx.progress(None, N_("sent %(sent)s, retrying %(retried)s, failed %(failed)s") % counts)

    counts = Sender(ctx.settings, secret_key=ctx.app.secret_key or "").run(progress=report)
    ctx.progress(1.0, N_("sent %(sent)s") % counts)
    return counts
