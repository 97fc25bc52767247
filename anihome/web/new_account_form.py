"""The "choose a username and password" form shared by first-run setup and invite links."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from flask import request

from ..errors import AppError
from ..models import User
from ..security.login import sign_in_browser
from .templating import gettext as _


@dataclass
class NewAccountForm:
    username: str
    errors: dict[str, str] = field(default_factory=dict)
    status: int = 200
    user: User | None = None


def submit_new_account(create: Callable[[str, str], User],
                       passthrough: tuple[type[Exception], ...] = ()) -> NewAccountForm:
    """On POST, check the repeated password, call ``create(username, password)`` and sign the
    new member in. Errors become form errors, except ``passthrough`` ones (the caller's)."""
    form = NewAccountForm(request.form.get("username", ""))
    if request.method != "POST":
        return form
    password = request.form.get("password", "")
    if password != request.form.get("password_repeat", ""):
        form.errors["password_repeat"] = _("The two passwords differ.")
        form.status = 400
        return form
    try:
        form.user = create(form.username, password)
    except passthrough:
        raise
    except AppError as exc:
        form.errors[exc.field or "form"] = _(exc.message)
        form.status = exc.status
        return form
    sign_in_browser(form.user)
    return form
