"""The unfollow link in pushes and e-mails: signed, opened without signing in, changed only by a POST.

A link is ``/unfollow/<token>``; the token signs (member id, release id) with the app's
secret key (itsdangerous, its own salt), so it names one member's follow of one release and
cannot be forged or turned to another. Opening it (GET) changes nothing: mail scanners and
link previews fetch links, so the page asks for a click on a button, a POST carrying the
page's CSRF token. The link does not expire (an old e-mail must still work) and stays
harmless: at worst it unfollows what it was sent about. A new secret key voids every link.
"""
from __future__ import annotations

import logging

from ..errors import NotFound
from ..models import Release, User
from . import subscriptions

log = logging.getLogger(__name__)

SALT = "anihome.notify.unfollow"
#: Notification kinds a member gets because they follow the release (the link makes sense).
FOLLOW_KINDS = ("episodes", "airing_started", "airing_finished", "dub_stalled")


def _serializer(secret_key: str):
    from itsdangerous import URLSafeSerializer

    return URLSafeSerializer(secret_key, salt=SALT)


def token_for(secret_key: str, user_id: int, release_id: int) -> str:
    return _serializer(secret_key).dumps([int(user_id), int(release_id)])


def path_for(secret_key: str, user_id: int, release_id: int) -> str:
    """The link's path (the sender makes it absolute with PUBLIC_URL)."""
    return f"/unfollow/{token_for(secret_key, user_id, release_id)}"


def read(secret_key: str, token: str) -> tuple[User, Release]:
    """The member and release a token names; NotFound when it is forged, damaged or stale."""
    from itsdangerous import BadData

    try:
        user_id, release_id = _serializer(secret_key).loads(token)
    except (BadData, TypeError, ValueError):
        raise NotFound("This unfollow link is not valid (it may be cut short).", "token") from None
    user = User.get_or_none(User.id == user_id)
    release = Release.get_or_none(Release.id == release_id)
    if user is None or release is None or not user.is_active:
        raise NotFound("This unfollow link is not valid (it may be cut short).", "token")
    return user, release


def unfollow(secret_key: str, token: str) -> tuple[User, Release, bool]:
    """Unfollow what the token names; returns the member, the release and whether a follow ended."""
    user, release = read(secret_key, token)
    changed = subscriptions.unfollow(user.id, release.id)
    log.info("notify unfollowed by link user_id=%s release_id=%s changed=%s", user.id, release.id, changed)
    return user, release, changed
