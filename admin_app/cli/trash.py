"""``flask trash purge``: the retention rule from the command line."""

from __future__ import annotations

import re
from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext

from admin_app.cli.context import start_command
from admin_app.config import settings_of
from admin_app.extensions import db
from admin_app.models.types import utc_now
from admin_app.trash import purge_older_than

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


@click.group()
def trash() -> None:
    """Manage the trash."""


@trash.command("purge")
@click.option(
    "--older-than",
    "age",
    type=AgeType(),
    default=None,
    help="Purge rows trashed longer ago than this (default: trash.purge_after_days).",
)
@click.option("--dry-run", is_flag=True, help="Only count what would be purged.")
@with_appcontext
def purge(age: timedelta | None, dry_run: bool) -> None:
    """Permanently remove rows trashed longer ago than the retention age."""
    start_command()
    if age is None:
        age = timedelta(days=settings_of(current_app)["trash"]["purge_after_days"])
    counts = purge_older_than(db.session, deleted_before=utc_now() - age, dry_run=dry_run)
    if not dry_run:
        db.session.commit()
    verb = "Would purge" if dry_run else "Purged"
    detail = ", ".join(f"{n} {table}" for table, n in sorted(counts.items())) or "nothing"
    click.echo(
        f"{verb} {sum(counts.values())} row(s) trashed more than {age.days} day(s) ago: {detail}."
    )
