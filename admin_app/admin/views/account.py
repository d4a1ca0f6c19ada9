"""The signed-in operator's own page: change the password, sign out everywhere."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, url_for
from flask_admin import BaseView, expose
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo

from admin_app.admin.access import AccessMixin, requires
from admin_app.admin.views.operators import configured_length
from admin_app.audit import record
from admin_app.auth import sessions
from admin_app.auth.roles import current_operator
from admin_app.extensions import db
from admin_app.models import Action, Operator, Role


class PasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField("New password", validators=[DataRequired(), configured_length])
    repeat_password = PasswordField(
        "Repeat the new password", validators=[EqualTo("new_password", "The two do not match.")]
    )


class SignOutEverywhereForm(FlaskForm):
    """Only carries the CSRF token."""


def _me() -> Operator:
    operator = current_operator()
    if operator is None:  # AccessMixin lets only signed-in operators this far
        raise RuntimeError("the account page needs a signed-in operator")
    return operator


class AccountView(AccessMixin, BaseView):
    """Every operator's own page; each may change only their own account here."""

    @expose("/")
    @requires(Role.VIEWER)
    def index(self) -> str:
        return self._page(PasswordForm())

    def _page(self, password_form: PasswordForm, **extra: Any) -> str:
        return self.render(
            "admin/account.html",
            operator=_me(),
            password_form=password_form,
            everywhere_form=SignOutEverywhereForm(),
            **extra,
        )

    @expose("/password/", methods=["POST"])
    @requires(Role.VIEWER)
    def change_password(self) -> str | Response:
        form, operator = PasswordForm(), _me()
        if not form.validate_on_submit():
            return self._page(form)
        if not operator.check_password(form.current_password.data):
            form.current_password.errors = ["That is not your current password."]
            return self._page(form)
        operator.set_password(form.new_password.data)  # ends the other sessions
        db.session.commit()
        sessions.renew(operator)
        flash("Password changed. Your other sessions have been signed out.", "success")
        return redirect(url_for(".index"))

    @expose("/sign-out-everywhere/", methods=["POST"])
    @requires(Role.VIEWER)
    def sign_out_everywhere(self) -> Response:
        SignOutEverywhereForm()  # CSRFProtect has checked the token before we get here.
        operator = _me()
        operator.end_sessions()
        record(
            db.session,
            Action.LOGOUT,
            entity_type="operator",
            entity_id=operator.id,
            entity_repr=operator.username,
            changes={"sessions": ["open", "all ended"]},
        )
        db.session.commit()
        sessions.end()
        flash("Signed out everywhere.", "info")
        return redirect(url_for("auth.login"))
