"""The second step of sign-in for operators with two-factor sign-in: a TOTP or recovery code."""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from admin_app.auth import sessions, throttle, two_factor
from admin_app.auth.roles import public
from admin_app.auth.views import PENDING, bp, complete_sign_in, refuse, throttled
from admin_app.extensions import db
from admin_app.models import Operator

# Minutes between the password and the code before the password must be typed again.
PENDING_MINUTES = 5
TEMPLATE = "auth/second_factor.html"


class CodeForm(FlaskForm):
    code = StringField(
        "Code from your authenticator app, or a recovery code",
        validators=[DataRequired(), Length(max=20)],
    )


def _pending_operator() -> Operator | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    age = sessions.now().timestamp() - float(pending.get("at", 0))
    try:
        operator = db.session.get(Operator, uuid.UUID(str(pending.get("id"))))
    except ValueError:
        return None
    fresh = 0 <= age <= PENDING_MINUTES * 60
    usable = operator is not None and operator.is_active and operator.uses_two_factor
    return operator if fresh and usable else None


@bp.route("/login/code", methods=["GET", "POST"])
@public
def second_factor() -> str | Response | tuple[str, int, dict[str, str]]:
    operator = _pending_operator()
    if operator is None:
        session.pop(PENDING, None)
        flash("Please sign in again.", "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if not form.validate_on_submit():
        return render_template(TEMPLATE, form=form)
    keys = throttle.keys_for(operator.username, request.remote_addr)
    if wait := throttle.retry_after(keys, sessions.now()):
        return throttled(form, TEMPLATE, wait)
    code = form.code.data
    if two_factor.accept_code(operator, code) or two_factor.use_recovery_code(operator, code):
        next_url = str(session[PENDING].get("next") or "/admin/")
        return complete_sign_in(operator, keys, next_url)
    return refuse(form, TEMPLATE, "That code is not valid.", operator, keys)
