"""What every command does first: say who is acting, and check the database is there."""

from __future__ import annotations

import getpass

from flask import current_app

from admin_app.config import settings_of
from admin_app.database import check_reachable
from admin_app.extensions import db


def command_actor() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"cli:{user}"


def start_command() -> None:
    """Put the CLI actor in the session for listeners and fail fast on an unreachable database."""
    check_reachable(db.engine)
    db.session.info["actor"] = {"id": None, "name": command_actor()}


def is_production() -> bool:
    return bool(settings_of(current_app)["app"]["env"] == "production")
