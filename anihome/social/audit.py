"""The moderation audit log: who did what to which text or member, when and why.

Entries are written inside the moderator action's own transaction, so an action and its
entry land together or not at all. Only the owner reads the log.
"""
from __future__ import annotations

from datetime import datetime

from ..errors import Forbidden
from ..models import AuditEntry


def record(actor, action: str, kind: str, target_id: int | None, target_user_name: str = "",
           reason: str = "", now: datetime | None = None) -> AuditEntry:
    """Append one entry (call inside the action's write transaction)."""
    return AuditEntry.create(actor=actor.id if actor else None,
                             actor_name=actor.username if actor else "system", action=action,
                             kind=kind, target_id=target_id, target_user_name=target_user_name or "",
                             reason=reason or "", created_at=now, automatic=actor is None)


def entries(actor, page: int = 1, per_page: int = 50) -> tuple[list[AuditEntry], int]:
    """One page of the log, newest first (owner only)."""
    if actor is None or actor.role != "owner":
        raise Forbidden("Only the owner can read the audit log.")
    query = AuditEntry.select().order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    total = query.count()
    rows = list(query.paginate(page, per_page)) if total > (page - 1) * per_page else []
    return rows, total
