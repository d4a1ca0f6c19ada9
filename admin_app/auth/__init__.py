"""Operator sign-in and sign-out, the session user loader, and role checks."""

from __future__ import annotations

import uuid

from flask import Flask, current_app, request
from sqlalchemy.orm import Session

from admin_app.auth import views
from admin_app.auth.roles import current_operator, role_required
from admin_app.extensions import db, login_manager
from admin_app.models import Operator

__all__ = ["current_operator", "init_app", "role_required"]


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    app.register_blueprint(views.bp)


POOL_PANEL = "/admin/pool/"


@login_manager.user_loader
def _load_operator(operator_id: str) -> Operator | None:
    try:
        key = uuid.UUID(operator_id)
    except (ValueError, TypeError):
        return None
    if request.path.startswith(POOL_PANEL):
        return _load_outside_the_pool(key)
    operator = db.session.get(Operator, key)
    return operator if operator and operator.is_active else None


def _load_outside_the_pool(key: uuid.UUID) -> Operator | None:
    # The pool panel must answer while the app's pool is exhausted: its sign-in check goes
    # through the monitor engine's own connection.
    monitor = current_app.extensions["admin_app.pool"].monitor
    with Session(monitor, expire_on_commit=False) as session:
        operator = session.get(Operator, key)
        if operator is not None:
            session.expunge(operator)
    return operator if operator and operator.is_active else None
