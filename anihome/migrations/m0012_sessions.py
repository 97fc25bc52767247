"""Sessions kept on the server: one row per signed-in browser, so signing out, "sign out
everywhere", a password change or disabling a member ends sessions for good."""
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, Model

from .schema import create_tables


class User(Model):
    class Meta:
        table_name = "user"


class UserSession(Model):
    user = ForeignKeyField(User, on_delete="CASCADE", index=True)
    key_hash = CharField(max_length=64, unique=True)
    remember = BooleanField(default=False)
    user_agent = CharField(max_length=200, default="")
    address = CharField(max_length=64, default="")
    created_at = DateTimeField()
    last_seen_at = DateTimeField()
    expires_at = DateTimeField(index=True)

    class Meta:
        table_name = "user_session"


def up(db):
    create_tables(db, UserSession)
