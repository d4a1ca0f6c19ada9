"""The sign-in page and the sign-out action."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from admin_app.audit import record
from admin_app.auth import sessions, signin, throttle
from admin_app.auth.roles import current_operator, public
from admin_app.columns import utc_now
from admin_app.extensions import db
from admin_app.models import Action, Operator

bp = Blueprint("auth", __name__)
HOME = "/admin/"
# What the trail names when the typed user name matches no operator: never the text itself.
UNKNOWN_USER = "unknown user"
# Who passed the password check and still owes a code (two-factor sign-in).
PENDING = "pending_second_factor"


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
def login() -> str | Response | tuple[str, int, dict[str, str]]:
    form = LoginForm()
    next_url = safe_next(request.args.get("next"))
    if current_operator() is not None:
        return redirect(next_url)
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    keys = throttle.keys_for(form.username.data, request.remote_addr)
    now = sessions.now()
    # A locked account or address costs no password check: guessing cannot hold the threads.
    if wait := throttle.retry_after(keys, now):
        return throttled(form, "auth/login.html", wait)
    operator, allowed = signin.verify(form.username.data.strip(), form.password.data)
    if allowed and operator is not None and operator.uses_two_factor:
        # The account's failures stay counted until the code is right, so guessing codes
        # is throttled like guessing passwords.
        session[PENDING] = {"id": str(operator.id), "at": now.timestamp(), "next": next_url}
        return redirect(url_for("auth.second_factor"))
    if allowed and operator is not None:
        return complete_sign_in(operator, keys, next_url)
    return refuse(form, "auth/login.html", "Wrong username or password.", operator, keys)


def complete_sign_in(operator: Operator, keys: throttle.Keys, next_url: str) -> Response:
    operator.last_login_at = utc_now()
    throttle.forget_account(keys)
    _audit(Action.LOGIN, operator)
    sessions.begin(operator)
    return redirect(next_url)


def refuse(
    form: FlaskForm, template: str, message: str, operator: Operator | None, keys: throttle.Keys
) -> str | tuple[str, int, dict[str, str]]:
    """Count and audit a failed attempt; answer 429 once it locked the account or address."""
    now = sessions.now()
    _audit_failure(operator, throttle.record_failure(keys, now))
    if wait := throttle.retry_after(keys, now):
        return throttled(form, template, wait)
    flash(message, "error")
    return render_template(template, form=form)


def throttled(form: FlaskForm, template: str, wait: int) -> tuple[str, int, dict[str, str]]:
    flash(f"Too many failed sign-ins. Try again in {wait} seconds.", "error")
    return render_template(template, form=form), 429, {"Retry-After": str(wait)}


def _audit(action: Action, operator: Operator, **changes: list[str | None]) -> None:
    # The operator is the actor of their own sign-in and sign-out.
    db.session.info["actor"] = {"id": str(operator.id), "name": operator.username}
    _entry(action, operator, changes)
    db.session.commit()


def _audit_failure(operator: Operator | None, newly_locked: list[str]) -> None:
    """One entry per failure; one more per throttle that this failure switched on."""
    name = operator.username if operator is not None else UNKNOWN_USER
    db.session.info["actor"] = {"id": None, "name": name}
    _entry(Action.LOGIN_FAILED, operator, {})
    for scope in newly_locked:
        _entry(Action.LOGIN_FAILED, operator, {"throttled": [None, scope]})
    db.session.commit()


def _entry(action: Action, operator: Operator | None, changes: dict[str, list[str | None]]) -> None:
    record(
        db.session,
        action,
        entity_type="operator",
        entity_id=operator.id if operator else None,
        entity_repr=operator.username if operator else UNKNOWN_USER,
        changes=changes,
    )


@bp.route("/logout", methods=["POST"])
@public
def logout() -> Response:
    LogoutForm()  # CSRFProtect has checked the token before we get here.
    operator = current_operator()
    if operator is not None:
        # Signing out ends every session of this operator, not just this cookie.
        operator.end_sessions()
        _audit(Action.LOGOUT, operator)
    sessions.end()
    flash("You have been signed out.", "info")
    return redirect(url_for("auth.login"))
