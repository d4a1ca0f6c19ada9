"""``flask trash purge``: the retention rule from the command line."""

from __future__ import annotations

from datetime import datetime, timedelta

import click

from admin_app.cli.context import retention_options
from admin_app.extensions import db
from admin_app.trash import purge_older_than


@click.group()
def trash() -> None:
    """Manage the trash."""


@trash.command("purge")
@retention_options("trash.purge_after_days", removes="purge")
def purge(age: timedelta, before: datetime, dry_run: bool) -> None:
    """Permanently remove rows trashed longer ago than the retention age."""
    counts = purge_older_than(db.session, before=before, dry_run=dry_run)
    if not dry_run:
        db.session.commit()
    verb = "Would purge" if dry_run else "Purged"
    detail = ", ".join(f"{n} {table}" for table, n in sorted(counts.items())) or "nothing"
    click.echo(
        f"{verb} {sum(counts.values())} row(s) trashed more than {age.days} day(s) ago: {detail}."
    )
