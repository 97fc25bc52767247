"""Admin members page: who may do what, the household rules, escaping, signals."""
import pytest

from anihome import events
from anihome.accounts.users import set_active, update_member
from anihome.errors import Conflict
from anihome.models import User

from .conftest import PASSWORD, make_user, post_form, query, sign_in, signed_in_client


def _user(app, name):
    return query(app, lambda: User.get(User.username_key == name.lower()))


def test_members_page_lists_role_age_cap_state_and_last_sign_in(app, owner):
    make_user(app, "kid", "member", age_cap=12)
    client = signed_in_client(app, "owner")
    body = client.get("/admin/members/").get_data(as_text=True)
    assert "kid" in body and "12+" in body and "Owner" in body and "Active" in body


def test_usernames_are_escaped_in_the_members_list(app, owner):
    query(app, lambda: User.create(username="<script>alert(1)</script>", username_key="<script>x",
                                   password_hash="x", role="member", created_at=owner.created_at))
    body = signed_in_client(app, "owner").get("/admin/members/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_members_get_403_and_anonymous_visitors_go_to_sign_in(app, member, moderator):
    for name in ("member", "moderator"):
        client = signed_in_client(app, name)
        assert client.get("/admin/members/").status_code == 403
        assert post_form(client, "/admin/members/", {"username": "x" + name, "password": PASSWORD}
                         ).status_code == 403
    anonymous = app.test_client().get("/admin/members/")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert query(app, lambda: User.select().count()) == 3


def test_an_admin_creates_a_member_with_an_age_cap(app, admin):
    client = signed_in_client(app, "admin")
    response = post_form(client, "/admin/members/", {"username": "Маша", "password": "masha-pass",
                                                    "role": "member", "age_cap": "12"})
    assert response.status_code == 302
    created = _user(app, "маша")
    assert (created.role, created.age_cap) == ("member", 12)
    assert sign_in(app.test_client(), "МАША", "masha-pass").status_code == 302


@pytest.mark.parametrize("role", ["admin", "owner"])
def test_an_admin_cannot_create_admins_or_owners(app, admin, role):
    client = signed_in_client(app, "admin")
    response = post_form(client, "/admin/members/", {"username": "boss2", "password": PASSWORD,
                                                    "role": role})
    assert response.status_code == 403
    assert "Only an owner" in response.get_data(as_text=True)
    assert query(app, lambda: User.select().where(User.username_key == "boss2").count()) == 0


def test_the_owner_can_create_an_admin(app, owner):
    client = signed_in_client(app, "owner")
    assert post_form(client, "/admin/members/", {"username": "helper", "password": PASSWORD,
                                                "role": "admin"}).status_code == 302
    assert _user(app, "helper").role == "admin"


@pytest.mark.parametrize("data, status, message", [
    ({"username": "OWNER"}, 409, "That username is already taken."),
    ({"username": "a b c"}, 400, "Usernames have 3 to 40 characters"),
    ({"username": "x" * 41}, 400, "Usernames have 3 to 40 characters"),
    ({"password": "1234567"}, 400, "at least 8 characters"),
    ({"age_cap": "22"}, 400, "from 0 to 21"),
    ({"age_cap": "-1"}, 400, "from 0 to 21"),
    ({"age_cap": "twelve"}, 400, "from 0 to 21"),
    ({"role": "emperor"}, 400, "Unknown role."),
])
def test_bad_member_input_is_a_form_error_and_creates_nothing(app, owner, data, status, message):
    client = signed_in_client(app, "owner")
    form = {"username": "newbie", "password": PASSWORD, "role": "member", **data}
    response = post_form(client, "/admin/members/", form)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert query(app, lambda: User.select().count()) == 1


def test_creating_a_member_without_csrf_token_is_refused(app, owner):
    client = signed_in_client(app, "owner")
    response = client.post("/admin/members/", data={"username": "sneaky", "password": PASSWORD})
    assert response.status_code == 400
    assert query(app, lambda: User.select().count()) == 1


def test_disabling_a_member_signs_them_out_and_enabling_lets_them_back(app, owner, member):
    member_client = signed_in_client(app, "member")
    admin_client = signed_in_client(app, "owner")
    assert post_form(admin_client, f"/admin/members/{member.id}/active", {"active": "0"}).status_code == 302
    assert member_client.get("/").status_code == 302
    assert sign_in(app.test_client(), "member").status_code == 401
    post_form(admin_client, f"/admin/members/{member.id}/active", {"active": "1"})
    assert sign_in(app.test_client(), "member").status_code == 302


def test_nobody_can_disable_themselves(app, admin):
    client = signed_in_client(app, "admin")
    response = post_form(client, f"/admin/members/{admin.id}/active", {"active": "0"})
    assert response.status_code == 400
    assert _user(app, "admin").is_active


def test_nobody_can_demote_themselves(app, owner, admin):
    client = signed_in_client(app, "admin")
    response = post_form(client, f"/admin/members/{admin.id}", {"role": "member"})
    assert response.status_code == 400
    assert _user(app, "admin").role == "admin"


def test_an_owner_can_demote_or_disable_another_owner_while_one_remains(app, owner):
    second = make_user(app, "second", "owner")
    client = signed_in_client(app, "owner")
    assert post_form(client, f"/admin/members/{second.id}", {"role": "admin"}).status_code == 302
    assert _user(app, "second").role == "admin"
    assert post_form(client, f"/admin/members/{second.id}/active", {"active": "0"}).status_code == 302
    assert not _user(app, "second").is_active


def test_the_last_owner_can_be_neither_demoted_nor_disabled(app, owner):
    make_user(app, "retired", "owner")
    query(app, lambda: User.update(is_active=False).where(User.username_key == "retired").execute())
    with pytest.raises(Conflict):  # a disabled owner does not count
        query(app, lambda: set_active(None, owner.id, False))
    with pytest.raises(Conflict):
        query(app, lambda: update_member(None, owner.id, role="admin"))
    client = signed_in_client(app, "owner")
    response = post_form(client, f"/admin/members/{owner.id}", {"role": "admin"})
    assert response.status_code == 400
    assert _user(app, "owner").role == "owner" and _user(app, "owner").is_active


def test_an_admin_cannot_change_another_admin_or_the_owner(app, owner, admin):
    other = make_user(app, "admin2", "admin")
    client = signed_in_client(app, "admin")
    assert post_form(client, f"/admin/members/{other.id}", {"role": "member"}).status_code == 403
    assert post_form(client, f"/admin/members/{owner.id}/active", {"active": "0"}).status_code == 403
    assert post_form(client, f"/admin/members/{owner.id}/password",
                     {"password": "hijacked-1", "password_repeat": "hijacked-1"}).status_code == 403
    assert sign_in(app.test_client(), "owner").status_code == 302
    page = client.get(f"/admin/members/{owner.id}").get_data(as_text=True)
    assert "Only an owner can change admins and owners." in page


def test_an_admin_cannot_promote_a_member_to_admin(app, admin, member):
    client = signed_in_client(app, "admin")
    assert post_form(client, f"/admin/members/{member.id}", {"role": "admin"}).status_code == 403
    assert _user(app, "member").role == "member"


def test_role_and_age_cap_can_be_edited(app, owner, member):
    client = signed_in_client(app, "owner")
    assert post_form(client, f"/admin/members/{member.id}", {"role": "moderator", "age_cap": "16"}
                     ).status_code == 302
    changed = _user(app, "member")
    assert (changed.role, changed.age_cap) == ("moderator", 16)
    post_form(client, f"/admin/members/{member.id}", {"role": "moderator", "age_cap": ""})
    assert _user(app, "member").age_cap is None


def test_resetting_a_password_signs_the_member_out(app, owner, member):
    member_client = signed_in_client(app, "member")
    client = signed_in_client(app, "owner")
    response = post_form(client, f"/admin/members/{member.id}/password",
                         {"password": "fresh-pass-1", "password_repeat": "fresh-pass-1"})
    assert response.status_code == 302
    assert member_client.get("/").status_code == 302
    assert sign_in(app.test_client(), "member", "fresh-pass-1").status_code == 302


def test_unknown_member_pages_are_404(app, owner):
    client = signed_in_client(app, "owner")
    assert client.get("/admin/members/999").status_code == 404
    assert post_form(client, "/admin/members/999", {"role": "member"}).status_code == 404


def test_changes_send_the_user_changed_signal(app, owner, member):
    seen = []

    def listener(sender, user_id):
        seen.append(user_id)

    events.user_changed.connect(listener)
    try:
        client = signed_in_client(app, "owner")
        post_form(client, f"/admin/members/{member.id}", {"role": "member", "age_cap": "7"})
        post_form(client, f"/admin/members/{member.id}/active", {"active": "0"})
    finally:
        events.user_changed.disconnect(listener)
    assert seen == [member.id, member.id]
