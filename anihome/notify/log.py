"""The delivery log the owner (and, for their own pushes, a member) reads: status per push."""
from __future__ import annotations

from ..models import User
from ..models.notify import DELIVERY_STATUSES, Channel, Delivery, Notification


def delivery_log(status: str | None = None, user_id: int | None = None, limit: int = 100) -> list[Delivery]:
    """The newest deliveries with their channel, member and notification (never a secret)."""
    query = (Delivery.select(Delivery, Channel.kind, Channel.name, User.username, Notification.kind)
             .join(Channel, on=(Delivery.channel == Channel.id))
             .switch(Delivery).join(User, on=(Delivery.user == User.id))
             .switch(Delivery).join(Notification, on=(Delivery.notification == Notification.id))
             .order_by(Delivery.created_at.desc(), Delivery.id.desc()).limit(limit))
    if status in DELIVERY_STATUSES:
        query = query.where(Delivery.status == status)
    if user_id is not None:
        query = query.where(Delivery.user == user_id)
    return list(query)


def status_counts(user_id: int | None = None) -> dict[str, int]:
    from peewee import fn

    query = Delivery.select(Delivery.status, fn.COUNT(Delivery.id)).group_by(Delivery.status)
    if user_id is not None:
        query = query.where(Delivery.user == user_id)
    counts = dict.fromkeys(DELIVERY_STATUSES, 0)
    counts.update(dict(query.tuples()))
    return counts
