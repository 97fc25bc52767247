"""One-time invite links: create, accept once, expire, withdraw; only a hash is stored."""
import re
from datetime import timedelta

import pytest

from anihome.accounts import invites
from anihome.clock import utcnow
from anihome.errors import Forbidden
from anihome.models import Invite, User

from .conftest import post_form, query, sign_in

NEW = {"username": "Новичок", "password": "welcome-123", "password_repeat": "welcome-123"}


def _invite(app, actor, **kwargs):
    return query(app, lambda: invites.create_invite(actor, **kwargs))


def test_admin_page_creates_an_invite_link_shown_once(app, client, owner):
    sign_in(client, "owner")
    response = post_form(client, "/admin/members/invites", {"role": "moderator", "age_cap": "16",
                                                           "note": "cousin"})
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    link = re.search(r'id="invite-link">([^<]+)<', response.get_data(as_text=True)).group(1)
    token = link.rsplit("/", 1)[1]
    stored = query(app, lambda: Invite.get())
    assert (stored.role, stored.age_cap, stored.note) == ("moderator", 16, "cousin")
    assert stored.token_hash == invites.token_hash(token) != token
    assert token not in client.get("/admin/members/").get_data(as_text=True)
    assert "cousin" in client.get("/admin/members/").get_data(as_text=True)


def test_a_valid_invite_creates_the_member_with_its_role_and_signs_them_in(app, owner):
    invite, token = _invite(app, owner, role="moderator", age_cap=12)
    guest = app.test_client()
    page = guest.get(f"/invite/{token}")
    assert page.status_code == 200
    response = post_form(guest, f"/invite/{token}", NEW, token_from=f"/invite/{token}")
    assert response.status_code == 302
    created = query(app, lambda: User.get(User.username_key == "новичок"))
    assert (created.role, created.age_cap, created.is_active) == ("moderator", 12, True)
    used = query(app, lambda: Invite.get_by_id(invite.id))
    assert used.used_at is not None and used.used_by_id == created.id
    assert guest.get("/").status_code == 200


def test_an_invite_works_only_once(app, owner):
    _, token = _invite(app, owner)
    first = app.test_client()
    assert post_form(first, f"/invite/{token}", NEW, token_from=f"/invite/{token}").status_code == 302
    second = app.test_client()
    token_page = second.get(f"/invite/{token}")
    assert token_page.status_code == 410
    assert "already been used" in token_page.get_data(as_text=True)
    again = post_form(second, f"/invite/{token}", {**NEW, "username": "second"}, token_from="/login")
    assert again.status_code == 410
    assert query(app, lambda: User.select().count()) == 2


def test_an_expired_invite_is_gone_and_creates_nothing(app, owner):
    _, token = _invite(app, owner, ttl_hours=1, now=utcnow() - timedelta(hours=2))
    guest = app.test_client()
    page = guest.get(f"/invite/{token}")
    assert page.status_code == 410
    assert "expired" in page.get_data(as_text=True)
    response = post_form(guest, f"/invite/{token}", NEW, token_from="/login")
    assert response.status_code == 410
    assert query(app, lambda: User.select().count()) == 1


def test_a_withdrawn_invite_is_gone(app, client, owner):
    invite, token = _invite(app, owner)
    sign_in(client, "owner")
    assert post_form(client, f"/admin/members/invites/{invite.id}/revoke", {}).status_code == 302
    assert query(app, lambda: invites.pending_invites()) == []
    guest = app.test_client()
    assert guest.get(f"/invite/{token}").status_code == 410
    assert post_form(guest, f"/invite/{token}", NEW, token_from="/login").status_code == 410
    assert query(app, lambda: User.select().count()) == 1


def test_an_unknown_invite_token_is_not_found(app, owner):
    assert app.test_client().get("/invite/not-a-real-token").status_code == 404


def test_a_bad_username_on_the_invite_form_keeps_the_invite_usable(app, owner):
    _, token = _invite(app, owner)
    guest = app.test_client()
    response = post_form(guest, f"/invite/{token}", {**NEW, "username": "owner"},
                         token_from=f"/invite/{token}")
    assert response.status_code == 409
    assert "already taken" in response.get_data(as_text=True)
    assert query(app, lambda: Invite.get().used_at) is None
    assert guest.get(f"/invite/{token}").status_code == 200


def test_an_admin_cannot_invite_an_admin(app, admin):
    with pytest.raises(Forbidden):
        _invite(app, admin, role="admin")
    client = app.test_client()
    sign_in(client, "admin")
    response = post_form(client, "/admin/members/invites", {"role": "owner"})
    assert response.status_code == 403
    assert query(app, lambda: Invite.select().count()) == 0


def test_pending_invites_exclude_used_expired_and_withdrawn(app, owner):
    _invite(app, owner, note="fresh")
    _invite(app, owner, note="old", ttl_hours=1, now=utcnow() - timedelta(hours=5))
    withdrawn, _ = _invite(app, owner, note="withdrawn")
    query(app, lambda: invites.revoke_invite(owner, withdrawn.id))
    assert [i.note for i in query(app, invites.pending_invites)] == ["fresh"]
