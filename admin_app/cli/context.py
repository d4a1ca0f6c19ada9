"""What every command does first: say who is acting, and check the database is there."""

from __future__ import annotations

import functools
import getpass
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import click
from flask import current_app
from flask.cli import with_appcontext

from admin_app.columns import utc_now
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
F = TypeVar("F", bound=Callable[..., Any])


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


def retention_options(setting: str, *, removes: str) -> Callable[[F], F]:
    """``--older-than AGE`` (default: the ``setting`` in days) and ``--dry-run`` for a retention
    command, which then receives the age, the cut-off time ``before`` and ``dry_run``."""
    section, key = setting.split(".")

    def decorate(command: F) -> F:
        @click.option(
            "--older-than",
            "age",
            type=AgeType(),
            default=None,
            help=f"{removes.capitalize()} what is older than this (default: {setting}).",
        )
        @click.option("--dry-run", is_flag=True, help=f"Only count what would be {removes}d.")
        @with_appcontext
        @functools.wraps(command)
        def run(age: timedelta | None, dry_run: bool) -> Any:
            start_command()
            age = age_or_setting(age, section, key)
            return command(age=age, before=utc_now() - age, dry_run=dry_run)

        return run  # type: ignore[return-value]

    return decorate
