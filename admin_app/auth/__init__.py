"""Operator sign-in and sign-out, the session user loader, and role checks."""

from __future__ import annotations

from flask import Flask

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


@login_manager.user_loader
def _load_operator(operator_id: str) -> Operator | None:
    try:
        operator = db.session.get(Operator, operator_id)
    except (ValueError, TypeError):
        return None
    return operator if operator and operator.is_active else None
