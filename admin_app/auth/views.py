"""The sign-in page and the sign-out action."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from admin_app.audit import record
from admin_app.auth import sessions
from admin_app.auth.roles import current_operator, public
from admin_app.columns import utc_now
from admin_app.extensions import db
from admin_app.models import Action, Operator

bp = Blueprint("auth", __name__)
HOME = "/admin/"


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


class LogoutForm(FlaskForm):
    """Only carries the CSRF token: signing out is a state change."""


def safe_next(target: str | None) -> str:
    """Return ``target`` if it is a path on this site, else the console home."""
    if not target:
        return HOME
    parts = urlsplit(target.replace("\\", "/"))
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return HOME
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> str | Response:
    form = LoginForm()
    next_url = safe_next(request.args.get("next"))
    if current_operator() is not None:
        return redirect(next_url)
    if form.validate_on_submit():
        operator = db.session.scalars(
            db.select(Operator).filter_by(username=form.username.data.strip())
        ).first()
        if operator and operator.is_active and operator.check_password(form.password.data):
            operator.last_login_at = utc_now()
            _audit_sign_in(Action.LOGIN, operator.username, operator)
            sessions.begin(operator)
            return redirect(next_url)
        _audit_sign_in(Action.LOGIN_FAILED, form.username.data.strip(), operator)
        flash("Wrong username or password.", "error")
    return render_template("auth/login.html", form=form)


def _audit_sign_in(action: Action, username: str, operator: Operator | None) -> None:
    # The operator is the actor of their own sign-in; a failed attempt names what was typed.
    db.session.info["actor"] = {
        "id": str(operator.id) if operator and action != Action.LOGIN_FAILED else None,
        "name": username[:80] or "anonymous",
    }
    record(
        db.session,
        action,
        entity_type="operator",
        entity_id=operator.id if operator else None,
        entity_repr=username[:80],
    )
    db.session.commit()


@bp.route("/logout", methods=["POST"])
@public
def logout() -> Response:
    LogoutForm()  # CSRFProtect has checked the token before we get here.
    operator = current_operator()
    if operator is not None:
        # Signing out ends every session of this operator, not just this cookie.
        operator.end_sessions()
        _audit_sign_in(Action.LOGOUT, operator.username, operator)
    sessions.end()
    flash("You have been signed out.", "info")
    return redirect(url_for("auth.login"))
