"""``flask audit prune``: audit retention, itself recorded in the trail."""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import with_appcontext

from admin_app.audit import prune_older_than
from admin_app.cli.context import AgeType, age_or_setting, start_command
from admin_app.columns import utc_now
from admin_app.extensions import db


@click.group()
def audit() -> None:
    """Manage the audit trail."""


@audit.command("prune")
@click.option(
    "--older-than",
    "age",
    type=AgeType(),
    default=None,
    help="Remove entries older than this (default: audit.retention_days).",
)
@click.option("--dry-run", is_flag=True, help="Only count what would be removed.")
@with_appcontext
def prune(age: timedelta | None, dry_run: bool) -> None:
    """Remove audit entries older than the retention age; the prune is recorded."""
    start_command()
    age = age_or_setting(age, "audit", "retention_days")
    count = prune_older_than(db.session, before=utc_now() - age, dry_run=dry_run)
    db.session.commit()
    verb = "Would remove" if dry_run else "Removed"
    click.echo(
        f"{verb} {count} audit entr{'y' if count == 1 else 'ies'} older than {age.days} day(s)."
    )
