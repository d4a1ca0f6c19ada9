"""Operator sign-in and sign-out, the session user loader, and role checks."""

from __future__ import annotations

import uuid

from flask import Flask, current_app, request
from sqlalchemy.orm import Session

from admin_app.auth import second_factor, sessions
from admin_app.auth.roles import current_operator, role_required
from admin_app.database import pool_monitor
from admin_app.extensions import db, login_manager
from admin_app.models import Operator

__all__ = ["current_operator", "init_app", "load_operator_outside_the_pool", "role_required"]
# Blueprints whose requests load the signed-in operator over the pool monitor's connection.
_OUTSIDE_POOL_KEY = "AUTH_OUTSIDE_POOL_BLUEPRINTS"


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    app.register_blueprint(second_factor.bp)  # views.bp, with the code step added


def load_operator_outside_the_pool(app: Flask, blueprint: str) -> None:
    """Requests to ``blueprint`` check the sign-in over the monitor's own connection, so they
    answer while every connection of the app's pool is taken."""
    app.config.setdefault(_OUTSIDE_POOL_KEY, set()).add(blueprint)


@login_manager.user_loader
def _load_operator(session_id: str) -> Operator | None:
    # The session names the operator and the epoch it was issued in (Operator.get_id).
    try:
        raw_key, raw_epoch = str(session_id).split(".")
        key, epoch = uuid.UUID(raw_key), int(raw_epoch)
    except (ValueError, TypeError):
        return None
    if request.blueprint in current_app.config.get(_OUTSIDE_POOL_KEY, ()):
        operator = _load_outside_the_pool(key)
    else:
        operator = db.session.get(Operator, key)
    if operator is None or not operator.is_active or operator.session_epoch != epoch:
        return None
    return operator if sessions.still_fresh() else None


def _load_outside_the_pool(key: uuid.UUID) -> Operator | None:
    with Session(pool_monitor().monitor, expire_on_commit=False) as session:
        operator = session.get(Operator, key)
        if operator is not None:
            session.expunge(operator)
    return operator
