"""The account page's API tokens: make one (its secret shown once), list them, revoke one."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from flask import abort, flash, redirect, url_for
from flask_admin import expose
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from admin_app.admin.access import requires
from admin_app.auth.roles import current_operator
from admin_app.columns import utc_now
from admin_app.extensions import db
from admin_app.models import ApiToken, Operator, Role
from admin_app.models.tokens import issue_token, revoke, select_tokens


class TokenForm(FlaskForm):
    label = StringField("Name", validators=[DataRequired(), Length(max=80)])
    expires_days = IntegerField(
        "Expires after (days)", validators=[Optional(), NumberRange(min=1, max=3650)]
    )
    read_only = BooleanField("Read-only")


class RevokeForm(FlaskForm):
    """Only carries the CSRF token."""


def tokens_of(operator: Operator) -> list[ApiToken]:
    return list(db.session.scalars(select_tokens(operator.id)))


class TokenSection:
    """Endpoints of the account page that manage the signed-in operator's own tokens."""

    def _page(self, password_form: Any = None, **extra: Any) -> str:
        raise NotImplementedError  # AccountView renders the page

    @expose("/tokens/", methods=["POST"])
    @requires(Role.VIEWER)
    def create_token(self) -> str | Response:
        form, operator = TokenForm(), current_operator()
        if operator is None:
            abort(401)
        if not form.validate_on_submit():
            return self._page(token_form=form)
        days = form.expires_days.data
        token, secret = issue_token(
            db.session,
            operator,
            label=form.label.data.strip(),
            expires_at=utc_now() + timedelta(days=days) if days else None,
            read_only=bool(form.read_only.data),
        )
        db.session.commit()
        flash(f"Token {token.label} made. Copy it now: it is not shown again.", "success")
        return self._page(new_token=secret)

    @expose("/tokens/<entity_id>/revoke/", methods=["POST"])
    @requires(Role.VIEWER)
    def revoke_token(self, entity_id: str) -> Response:
        RevokeForm()  # CSRFProtect has checked the token
        operator = current_operator()
        try:
            token = db.session.get(ApiToken, uuid.UUID(entity_id))
        except ValueError:
            token = None
        # Another operator's token is as absent as a missing one: one may revoke only one's own.
        if operator is None or token is None or token.operator_id != operator.id:
            abort(404)
        if token.revoked_at is None:
            revoke(token)
            db.session.commit()
            flash(f"Token {token.label} revoked.", "info")
        return redirect(url_for(".index"))
