"""Peewee tables, one module per domain. The schema itself is owned by ``anihome.migrations``."""
from .accounts import ROLES, ApiToken, Invite, User
from .jobs import JobRun
from .settings_store import AppSetting

__all__ = ["ROLES", "ApiToken", "AppSetting", "Invite", "JobRun", "User"]
