"""Subscriptions, notifications, delivery channels and the delivery outbox (``anihome.notify``).

A ``Notification`` is what a member sees in the app. It is written in the same transaction
as the event, with ``push_pending`` set when the member has a channel: that mark is the
outbox. The sender job turns marked notifications into one ``Delivery`` per enabled channel
and works through pending deliveries; ``idempotency_key`` travels with each push so a
receiver can drop a repeat after a crash.
"""
from peewee import (BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField,
                    TextField)

from .accounts import User
from .base import BaseModel
from .catalog import Release

NOTIFICATION_KINDS = ("episodes", "airing_started", "airing_finished", "comment_reply",
                      "dub_stalled", "digest", "job_failed", "test")
CHANNEL_KINDS = ("ntfy", "telegram", "webhook", "email")
DELIVERY_STATUSES = ("pending", "sent", "failed")


class NotifyPrefs(BaseModel):
    """One member's notification settings (a row appears on first change; defaults otherwise)."""
    user = ForeignKeyField(User, primary_key=True, on_delete="CASCADE", backref="+")
    follow_watching = BooleanField(default=True)
    quiet_start = CharField(max_length=5, null=True)  # "HH:MM" in the household time zone
    quiet_end = CharField(max_length=5, null=True)
    digest_day = IntegerField(null=True)  # 0 = Monday .. 6 = Sunday; None: no digest
    digest_hour = IntegerField(default=9)
    digest_sent_at = DateTimeField(null=True)
    updated_at = DateTimeField()

    class Meta:
        table_name = "notify_prefs"


class Subscription(BaseModel):
    """A member follows a release; ``translations`` is "" for every dub or "12,34" for some."""
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    release = ForeignKeyField(Release, on_delete="CASCADE", backref="+")
    translations = TextField(default="")
    created_at = DateTimeField()

    class Meta:
        table_name = "subscription"
        indexes = ((("user", "release"), True), (("release",), False))

    @property
    def translation_ids(self) -> list[int] | None:
        return [int(t) for t in self.translations.split(",") if t] or None


class Notification(BaseModel):
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    kind = CharField(max_length=20)
    release = ForeignKeyField(Release, null=True, on_delete="CASCADE", backref="+")
    translation_id = IntegerField(null=True)  # the dub; a plain id (no index to keep on the sync's path)
    season = IntegerField(null=True)
    episodes = TextField(default="")  # "7,8" (numbers in the season)
    data = TextField(default="{}")  # kind-specific JSON (titles, comment ids, the other dub ...)
    key = CharField(max_length=120)  # one notification per (member, key): the dedupe rule
    read = BooleanField(default=False)
    #: True until the sender has made its deliveries (the outbox mark, set in the event's transaction).
    push_pending = BooleanField(default=False)
    created_at = DateTimeField()

    class Meta:
        table_name = "notification"
        indexes = ((("key", "user"), True), (("user", "read"), False),
                   (("user", "created_at"), False))


class Channel(BaseModel):
    """A member's push channel. ``secret`` (token, bot token, webhook secret, ...) is write-only."""
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    kind = CharField(max_length=16)
    name = CharField(max_length=80)
    url = CharField(max_length=500, default="")
    topic = CharField(max_length=200, default="")
    chat_id = CharField(max_length=100, default="")
    address = CharField(max_length=254, default="")
    secret = TextField(default="")
    enabled = BooleanField(default=True)
    created_at = DateTimeField()

    class Meta:
        table_name = "channel"


class Delivery(BaseModel):
    """One push of one notification to one channel (the outbox row)."""
    notification = ForeignKeyField(Notification, on_delete="CASCADE", backref="+")
    channel = ForeignKeyField(Channel, on_delete="CASCADE", backref="+")
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    status = CharField(max_length=10, default="pending")
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField()
    idempotency_key = CharField(max_length=64, unique=True)
    last_error = TextField(default="")
    created_at = DateTimeField()
    sent_at = DateTimeField(null=True)

    class Meta:
        table_name = "delivery"
        indexes = ((("status", "next_attempt_at"), False), (("user", "created_at"), False))
