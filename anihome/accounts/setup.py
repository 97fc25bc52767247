"""First-run setup: until an owner exists, every page leads to the setup page."""
from __future__ import annotations

from ..models import User


def needs_setup() -> bool:
    """True while the household has no owner account."""
    return not User.select().where(User.role == "owner").exists()
