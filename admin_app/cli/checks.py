"""``flask check counters``: find, and with ``--repair`` fix, drift in stored counts."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from admin_app.extensions import db
from admin_app.models.counters import drift, repair


@click.group()
def check() -> None:
    """Check what the database keeps for speed against the rows themselves."""


@check.command("counters")
@click.option("--repair", "fix", is_flag=True, help="Set every drifted value right.")
@with_appcontext
def counters(fix: bool) -> None:
    """Report stored counts and reading times that differ from the rows; exit 1 on drift."""
    found = drift(db.session)
    for name, rows in found.items():
        click.echo(f"{name}: {rows} row(s) drifted")
    if not any(found.values()):
        click.echo("No drift.")
        return
    if not fix:
        raise click.ClickException("stored values have drifted; run with --repair to fix them")
    fixed = repair(db.session)
    db.session.commit()
    click.echo(f"Repaired {sum(fixed.values())} row(s).")
