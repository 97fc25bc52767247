"""Social: comments (release / episode, one-level threads), reviews, helpful votes, reports,
mutes and the moderation audit log."""
from peewee import (BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, Model,
                    TextField)

from .schema import create_tables


class User(Model):
    class Meta:
        table_name = "user"


class Release(Model):
    class Meta:
        table_name = "release"


class Comment(Model):
    release = ForeignKeyField(Release, on_delete="CASCADE", index=False)
    user = ForeignKeyField(User, on_delete="CASCADE", index=False)
    parent = ForeignKeyField("self", null=True, on_delete="CASCADE", index=False)
    season = IntegerField(null=True)
    episode = IntegerField(null=True)
    spoiler_episode = IntegerField(null=True)
    gate_season = IntegerField(null=True)
    gate_episode = IntegerField(null=True)
    body = TextField()
    status = CharField(max_length=8, default="visible")
    live_replies = IntegerField(default=0)
    nonce = CharField(max_length=40, null=True)
    created_at = DateTimeField()
    edited_at = DateTimeField(null=True)
    deleted_at = DateTimeField(null=True)

    class Meta:
        table_name = "comment"
        indexes = ((("release", "season", "episode", "parent", "created_at"), False),
                   (("parent", "created_at"), False),
                   (("user", "created_at"), False),
                   (("user", "nonce"), True))


class Review(Model):
    release = ForeignKeyField(Release, on_delete="CASCADE", index=False)
    user = ForeignKeyField(User, on_delete="CASCADE", index=False)
    score = IntegerField()
    body = TextField()
    spoiler_episode = IntegerField(null=True)
    watched_episodes = IntegerField(default=0)
    total_episodes = IntegerField(null=True)
    status = CharField(max_length=8, default="visible")
    helpful_count = IntegerField(default=0)
    created_at = DateTimeField()
    updated_at = DateTimeField()

    class Meta:
        table_name = "review"
        indexes = ((("release", "user"), True),
                   (("release", "status", "score"), False),
                   (("user", "created_at"), False))


class ReviewVote(Model):
    review = ForeignKeyField(Review, on_delete="CASCADE", index=False)
    user = ForeignKeyField(User, on_delete="CASCADE", index=True)
    created_at = DateTimeField()

    class Meta:
        table_name = "review_vote"
        indexes = ((("review", "user"), True),)


class Report(Model):
    kind = CharField(max_length=8)
    target_id = IntegerField()
    reporter = ForeignKeyField(User, on_delete="CASCADE", index=True)
    reason = TextField()
    created_at = DateTimeField()
    resolved_at = DateTimeField(null=True)
    resolved_by = ForeignKeyField(User, null=True, on_delete="SET NULL", index=True)
    resolution = CharField(max_length=16, null=True)

    class Meta:
        table_name = "report"
        indexes = ((("resolved_at", "created_at"), False),
                   (("kind", "target_id"), False))


class Mute(Model):
    user = ForeignKeyField(User, on_delete="CASCADE", index=False)
    until = DateTimeField()
    reason = TextField(default="")
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL", index=True)
    created_at = DateTimeField()
    lifted_at = DateTimeField(null=True)

    class Meta:
        table_name = "mute"
        indexes = ((("user", "until"), False),)


class AuditEntry(Model):
    actor = ForeignKeyField(User, null=True, on_delete="SET NULL", index=True)
    actor_name = CharField(max_length=40)
    action = CharField(max_length=24)
    kind = CharField(max_length=16)
    target_id = IntegerField(null=True)
    target_user_name = CharField(max_length=40, default="")
    reason = TextField(default="")
    created_at = DateTimeField(index=True)
    automatic = BooleanField(default=False)

    class Meta:
        table_name = "audit_entry"


def up(db):
    create_tables(db, Comment, Review, ReviewVote, Report, Mute, AuditEntry)
