"""``flask audit prune``: audit retention, itself recorded in the trail."""

from __future__ import annotations

from datetime import datetime, timedelta

import click

from admin_app.audit import prune_older_than
from admin_app.cli.context import retention_options
from admin_app.extensions import db


@click.group()
def audit() -> None:
    """Manage the audit trail."""


@audit.command("prune")
@retention_options("audit.retention_days", removes="remove")
def prune(age: timedelta, before: datetime, dry_run: bool) -> None:
    """Remove audit entries older than the retention age; the prune is recorded."""
    count = prune_older_than(db.session, before=before, dry_run=dry_run)
    db.session.commit()
    verb = "Would remove" if dry_run else "Removed"
    click.echo(
        f"{verb} {count} audit entr{'y' if count == 1 else 'ies'} older than {age.days} day(s)."
    )
