"""The signed-in operator's own page: password, two-factor sign-in, API tokens, sign out
everywhere."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, url_for
from flask_admin import BaseView, expose
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from admin_app.admin.access import AccessMixin, requires
from admin_app.admin.views.account_tokens import RevokeForm, TokenForm, TokenSection, tokens_of
from admin_app.admin.views.operators import configured_length
from admin_app.audit import record
from admin_app.auth import sessions, two_factor
from admin_app.auth.roles import current_operator
from admin_app.extensions import db
from admin_app.models import Action, Operator, Role


class PasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField("New password", validators=[DataRequired(), configured_length])
    repeat_password = PasswordField(
        "Repeat the new password", validators=[EqualTo("new_password", "The two do not match.")]
    )


class TokenOnlyForm(FlaskForm):
    """Only carries the CSRF token: for buttons that change state (sign out, set up)."""


class ConfirmCodeForm(FlaskForm):
    code = StringField(
        "Code from your authenticator app", validators=[DataRequired(), Length(max=10)]
    )


def _me() -> Operator:
    operator = current_operator()
    if operator is None:  # AccessMixin lets only signed-in operators this far
        raise RuntimeError("the account page needs a signed-in operator")
    return operator


class AccountView(TokenSection, AccessMixin, BaseView):
    """Every operator's own page; each may change only their own account here."""

    @expose("/")
    @requires(Role.VIEWER)
    def index(self) -> str:
        return self._page(PasswordForm())

    def _page(self, password_form: Any = None, **extra: Any) -> str:
        operator = _me()
        enrolling = operator.totp_secret is not None and not operator.uses_two_factor
        return self.render(
            "admin/account.html",
            operator=operator,
            password_form=password_form or PasswordForm(formdata=None),
            token_form=extra.pop("token_form", TokenForm(formdata=None)),
            revoke_form=RevokeForm(),
            tokens=tokens_of(operator),
            everywhere_form=TokenOnlyForm(),
            code_form=extra.pop("code_form", ConfirmCodeForm()),
            qr_code=two_factor.provisioning_qr(operator) if enrolling else None,
            set_up_required=two_factor.set_up_required(operator),
            **extra,
        )

    @expose("/two-factor/start/", methods=["POST"])
    @requires(Role.VIEWER)
    def two_factor_start(self) -> Response:
        TokenOnlyForm()  # only the CSRF token, which CSRFProtect has checked
        two_factor.start_enrolment(_me())
        db.session.commit()
        return redirect(url_for(".index"))

    @expose("/two-factor/confirm/", methods=["POST"])
    @requires(Role.VIEWER)
    def two_factor_confirm(self) -> str:
        form, operator = ConfirmCodeForm(), _me()
        valid = form.validate_on_submit()
        codes = two_factor.confirm_enrolment(operator, form.code.data) if valid else None
        if codes is None:
            db.session.rollback()
            form.code.errors = ["That code is not valid. Try the one your app shows now."]
            return self._page(PasswordForm(formdata=None), code_form=form)
        db.session.commit()
        flash("Two-factor sign-in is on.", "success")
        return self._page(PasswordForm(formdata=None), recovery_codes=codes)

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
        TokenOnlyForm()  # CSRFProtect has checked the token before we get here.
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
