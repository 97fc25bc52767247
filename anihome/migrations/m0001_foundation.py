"""Accounts, invites, API tokens, job runs and key/value app settings."""
from peewee import (BooleanField, CharField, DateTimeField, FloatField, ForeignKeyField,
                    IntegerField, Model, TextField)

from .schema import create_tables


class User(Model):
    username = CharField(max_length=40, unique=True)
    username_key = CharField(max_length=40, unique=True)
    password_hash = CharField(max_length=255)
    role = CharField(max_length=16, default="member", index=True)
    age_cap = IntegerField(null=True)
    is_active = BooleanField(default=True)
    locale = CharField(max_length=8, null=True)
    created_at = DateTimeField()
    last_login_at = DateTimeField(null=True)
    password_changed_at = DateTimeField(null=True)

    class Meta:
        table_name = "user"


class Invite(Model):
    token_hash = CharField(max_length=64, unique=True)
    created_by = ForeignKeyField(User, on_delete="CASCADE")
    role = CharField(max_length=16, default="member")
    age_cap = IntegerField(null=True)
    note = CharField(max_length=100, default="")
    created_at = DateTimeField()
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)
    used_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")

    class Meta:
        table_name = "invite"


class ApiToken(Model):
    user = ForeignKeyField(User, on_delete="CASCADE", index=True)
    label = CharField(max_length=60, default="")
    token_hash = CharField(max_length=64, unique=True)
    prefix = CharField(max_length=12)
    created_at = DateTimeField()
    last_used_at = DateTimeField(null=True)
    revoked_at = DateTimeField(null=True)

    class Meta:
        table_name = "api_token"


class JobRun(Model):
    job_id = CharField(max_length=60, index=True)
    trigger = CharField(max_length=16, default="schedule")
    status = CharField(max_length=16, default="running", index=True)
    started_at = DateTimeField(index=True)
    finished_at = DateTimeField(null=True)
    progress = FloatField(null=True)
    progress_text = CharField(max_length=200, default="")
    counts = TextField(default="{}")
    error = TextField(null=True)

    class Meta:
        table_name = "job_run"


class AppSetting(Model):
    key = CharField(max_length=60, primary_key=True)
    value = TextField()
    updated_at = DateTimeField()

    class Meta:
        table_name = "app_setting"


def up(db):
    create_tables(db, User, Invite, ApiToken, JobRun, AppSetting)
