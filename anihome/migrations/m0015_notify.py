"""Notifications: member preferences, subscriptions, notifications, channels, the delivery outbox."""
from peewee import (BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, Model,
                    TextField)

from .schema import create_tables


class User(Model):
    class Meta:
        table_name = "user"


class Release(Model):
    class Meta:
        table_name = "release"


class NotifyPrefs(Model):
    user = ForeignKeyField(User, primary_key=True, on_delete="CASCADE")
    follow_watching = BooleanField(default=True)
    quiet_start = CharField(max_length=5, null=True)
    quiet_end = CharField(max_length=5, null=True)
    digest_day = IntegerField(null=True)
    digest_hour = IntegerField(default=9)
    digest_sent_at = DateTimeField(null=True)
    updated_at = DateTimeField()

    class Meta:
        table_name = "notify_prefs"


class Subscription(Model):
    user = ForeignKeyField(User, on_delete="CASCADE", index=False)
    release = ForeignKeyField(Release, on_delete="CASCADE", index=False)
    translations = TextField(default="")
    created_at = DateTimeField()

    class Meta:
        table_name = "subscription"
        indexes = ((("user", "release"), True), (("release",), False))


class Notification(Model):
    user = ForeignKeyField(User, on_delete="CASCADE", index=False)
    kind = CharField(max_length=20)
    release = ForeignKeyField(Release, null=True, on_delete="CASCADE", index=True)
    translation_id = IntegerField(null=True)
    season = IntegerField(null=True)
    episodes = TextField(default="")
    data = TextField(default="{}")
    key = CharField(max_length=120)
    read = BooleanField(default=False)
    push_pending = BooleanField(default=False)
    created_at = DateTimeField()

    class Meta:
        table_name = "notification"
        indexes = ((("key", "user"), True), (("user", "read"), False),
                   (("user", "created_at"), False))


class Channel(Model):
    user = ForeignKeyField(User, on_delete="CASCADE", index=True)
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


class Delivery(Model):
    notification = ForeignKeyField(Notification, on_delete="CASCADE", index=True)
    channel = ForeignKeyField(Channel, on_delete="CASCADE", index=True)
    user = ForeignKeyField(User, on_delete="CASCADE", index=False)
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


def up(db):
    create_tables(db, NotifyPrefs, Subscription, Notification, Channel, Delivery)
    # Only notifications still waiting for the sender are in this index (it stays tiny).
    db.execute_sql("CREATE INDEX notification_push_pending ON notification (id) WHERE push_pending")
