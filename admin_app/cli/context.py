"""What every command does first: say who is acting, and check the database is there."""

from __future__ import annotations

import getpass
import re
from datetime import timedelta

import click
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


_AGE = re.compile(r"^(\d{1,6})([dh])$")


class AgeType(click.ParamType):
    """An age such as ``30d`` (days) or ``12h`` (hours)."""

    name = "age"

    def convert(self, value: object, param: object, ctx: object) -> timedelta:
        if isinstance(value, timedelta):
            return value
        match = _AGE.match(str(value).strip())
        if not match:
            self.fail(f"{value!r} is not an age like 30d or 12h", param, ctx)  # type: ignore[arg-type]
        amount, unit = int(match.group(1)), match.group(2)
        return timedelta(days=amount) if unit == "d" else timedelta(hours=amount)


def age_or_setting(age: timedelta | None, section: str, key: str) -> timedelta:
    """The age given on the command line, else the configured number of days."""
    if age is not None:
        return age
    return timedelta(days=settings_of(current_app)[section][key])
