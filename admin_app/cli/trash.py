"""``flask trash purge``: the retention rule from the command line."""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import with_appcontext

from admin_app.cli.context import AgeType, age_or_setting, start_command
from admin_app.columns import utc_now
from admin_app.extensions import db
from admin_app.trash import purge_older_than


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
    age = age_or_setting(age, "trash", "purge_after_days")
    counts = purge_older_than(db.session, deleted_before=utc_now() - age, dry_run=dry_run)
    if not dry_run:
        db.session.commit()
    verb = "Would purge" if dry_run else "Purged"
    detail = ", ".join(f"{n} {table}" for table, n in sorted(counts.items())) or "nothing"
    click.echo(
        f"{verb} {sum(counts.values())} row(s) trashed more than {age.days} day(s) ago: {detail}."
    )
