"""Household members, invites and personal API tokens."""
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField

from .base import BaseModel

ROLES = ("member", "moderator", "admin", "owner")
ROLE_LEVEL = {role: level for level, role in enumerate(ROLES)}


class User(BaseModel):
    username = CharField(max_length=40, unique=True)
    username_key = CharField(max_length=40, unique=True)
    password_hash = CharField(max_length=255)
    role = CharField(max_length=16, default="member", index=True)
    age_cap = IntegerField(null=True)
    is_active = BooleanField(default=True)
    locale = CharField(max_length=8, null=True)
    title_language = CharField(max_length=8, null=True)  # m0013: "ru" | "romaji" | "en"
    created_at = DateTimeField()
    last_login_at = DateTimeField(null=True)
    password_changed_at = DateTimeField(null=True)
    pin_hash = CharField(max_length=255, null=True)  # m0020: a profile PIN for household screens
    pin_set_at = DateTimeField(null=True)  # m0020

    class Meta:
        table_name = "user"

    # flask-login's user protocol, without importing flask here.
    is_authenticated = True
    is_anonymous = False

    # The key of the server-side session this object was signed in or loaded through
    # (``anihome.accounts.session_records``); not a column.
    session_key: str | None = None
    session_expires_at = None  # when that session record expires (set with session_key)

    def get_id(self) -> str:
        """flask-login's id for this browser: its session record's key, never the user id."""
        if not self.session_key:
            raise RuntimeError("no session started for this member (accounts.session_records.start)")
        return self.session_key

    def has_role(self, role: str) -> bool:
        """True when this member's role is ``role`` or above it."""
        return ROLE_LEVEL.get(self.role, -1) >= ROLE_LEVEL[role]


class Invite(BaseModel):
    token_hash = CharField(max_length=64, unique=True)
    created_by = ForeignKeyField(User, on_delete="CASCADE", backref="invites_made")
    role = CharField(max_length=16, default="member")
    age_cap = IntegerField(null=True)
    note = CharField(max_length=100, default="")
    created_at = DateTimeField()
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)
    used_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    revoked_at = DateTimeField(null=True)  # m0004

    class Meta:
        table_name = "invite"


class HouseholdScreen(BaseModel):
    """A device the owner marked as a shared screen ("Who's watching?"), m0020; revoked by
    deleting the row."""

    key_hash = CharField(max_length=64, unique=True)
    created_by = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    user_agent = CharField(max_length=200, default="")
    address = CharField(max_length=64, default="")
    created_at = DateTimeField()
    last_used_at = DateTimeField(null=True)

    class Meta:
        table_name = "household_screen"


class UserSession(BaseModel):
    """One signed-in browser: revoked by deleting the row (m0012)."""

    user = ForeignKeyField(User, on_delete="CASCADE", backref="sessions")
    key_hash = CharField(max_length=64, unique=True)
    remember = BooleanField(default=False)
    user_agent = CharField(max_length=200, default="")
    address = CharField(max_length=64, default="")
    created_at = DateTimeField()
    last_seen_at = DateTimeField()
    expires_at = DateTimeField(index=True)
    #: the household screen it was started on ("Who's watching?"), m0025; removing the
    #: screen ends it
    screen = ForeignKeyField(HouseholdScreen, null=True, on_delete="CASCADE", backref="sessions",
                             column_name="screen_id")

    class Meta:
        table_name = "user_session"


class ApiToken(BaseModel):
    user = ForeignKeyField(User, on_delete="CASCADE", backref="api_tokens")
    label = CharField(max_length=60, default="")
    token_hash = CharField(max_length=64, unique=True)
    prefix = CharField(max_length=12)
    created_at = DateTimeField()
    last_used_at = DateTimeField(null=True)
    revoked_at = DateTimeField(null=True)

    class Meta:
        table_name = "api_token"
