"""Talk about releases: comments, reviews and their helpful votes, reports, mutes, the audit log.

A comment hangs off a release, optionally one episode of it (``season``, ``episode``), and is
either top-level or a reply to a top-level comment (one level). ``gate_season`` /
``gate_episode`` is the episode a reader must have watched before the text is sent to them
(the episode the comment is about, or a later "spoilers up to" episode); NULL: never gated.
``status`` is ``visible``, ``hidden`` (by a moderator) or ``deleted`` (soft: the row stays so a
thread keeps its shape). ``live_replies`` counts replies that are not deleted.
"""
from peewee import (BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField,
                    TextField)

from .accounts import User
from .base import BaseModel
from .catalog import Release

STATUSES = ("visible", "hidden", "deleted")
TARGET_KINDS = ("comment", "review")


class Comment(BaseModel):
    release = ForeignKeyField(Release, on_delete="CASCADE", backref="+")
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    parent = ForeignKeyField("self", null=True, on_delete="CASCADE", backref="replies")
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


class Review(BaseModel):
    release = ForeignKeyField(Release, on_delete="CASCADE", backref="+")
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
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


class ReviewVote(BaseModel):
    review = ForeignKeyField(Review, on_delete="CASCADE", backref="+")
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    created_at = DateTimeField()

    class Meta:
        table_name = "review_vote"
        indexes = ((("review", "user"), True),)


class Report(BaseModel):
    kind = CharField(max_length=8)
    target_id = IntegerField()
    reporter = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    reason = TextField()
    created_at = DateTimeField()
    resolved_at = DateTimeField(null=True)
    resolved_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    resolution = CharField(max_length=16, null=True)

    class Meta:
        table_name = "report"
        indexes = ((("resolved_at", "created_at"), False),
                   (("kind", "target_id"), False))


class Mute(BaseModel):
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    until = DateTimeField()
    reason = TextField(default="")
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField()
    lifted_at = DateTimeField(null=True)

    class Meta:
        table_name = "mute"
        indexes = ((("user", "until"), False),)


class AuditEntry(BaseModel):
    """Who did what to which text, when and why. Names are copied so the log outlives members."""
    actor = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
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
