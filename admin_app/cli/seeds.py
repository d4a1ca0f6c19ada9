"""``flask seed``: demo data for newcomers, big deterministic data for the benchmark."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from admin_app.cli.context import is_production, start_command
from admin_app.extensions import db
from admin_app.models import User
from admin_app.soft_delete import with_deleted


def _refuse_production(force: bool) -> None:
    if is_production() and not force:
        raise click.ClickException("refusing to seed a production database (use --force)")


@click.group()
def seed() -> None:
    """Load demo or benchmark data."""


@seed.command("demo")
@click.option("--if-empty", is_flag=True, help="Only seed a database with no users at all.")
@click.option("--force", is_flag=True, help="Seed even when app.env is production.")
@with_appcontext
def demo(if_empty: bool, force: bool) -> None:
    """Add the demo editorial office; running it again adds nothing."""
    from seeds.demo import seed_demo

    _refuse_production(force)
    start_command()
    if if_empty and db.session.scalar(with_deleted(select(func.count()).select_from(User))):
        click.echo("Database already has data; demo seed skipped.")
        return
    added = seed_demo(db.session)
    db.session.commit()
    summary = ", ".join(f"{n} {name}" for name, n in added.items())
    click.echo(f"Demo data: added {summary}." if any(added.values()) else "Demo data present.")


@seed.command("bench")
@click.option(
    "--scale",
    type=click.IntRange(min=1, max=10_000_000),
    default=100_000,
    show_default=True,
    help="Number of posts; other tables grow in proportion.",
)
@click.option(
    "--audit-entries",
    type=click.IntRange(min=0, max=50_000_000),
    default=0,
    help="Also add this many audit entries on the bench posts (e.g. 5000000).",
)
@click.option(
    "--trashed",
    type=click.IntRange(min=0, max=10_000_000),
    default=0,
    help="Also trash this many posts with their comments, one delete batch each.",
)
@click.option(
    "--vacuum/--no-vacuum",
    default=True,
    show_default=True,
    help="End with VACUUM (ANALYZE) on PostgreSQL (ANALYZE on SQLite), as lists expect.",
)
@click.option("--force", is_flag=True, help="Seed even when app.env is production.")
@with_appcontext
def bench(scale: int, audit_entries: int, trashed: int, vacuum: bool, force: bool) -> None:
    """Load large deterministic data fast (COPY on PostgreSQL), with a progress bar.

    With --audit-entries or --trashed on a database that already holds the bench data, only
    those are added, so a loaded database gains them without a reload.
    """
    from seeds.bench import has_bench_data, seed_bench
    from seeds.bench_extras import analyse, seed_audit, seed_trash, settle

    _refuse_production(force)
    start_command()
    started = time.perf_counter()
    extras = bool(audit_entries or trashed)
    if not (extras and has_bench_data(db.session)):
        seconds = seed_bench(db.session, scale=scale)
        click.echo(f"Loaded scale {scale:,} in {seconds:.1f} s.")
    if trashed:
        seed_trash(db.session, posts=trashed)
        db.session.commit()
    if audit_entries:
        seed_audit(db.session, entries=audit_entries)
        db.session.commit()
    if extras:
        analyse(db.session)
        added = f"{audit_entries:,} audit entries, {trashed:,} trashed posts"
        click.echo(f"Added {added} in {time.perf_counter() - started:.1f} s.")
    if vacuum:
        db.session.close()  # no transaction of ours holds back what VACUUM may mark visible
        click.echo(f"Vacuumed and analysed in {settle(db.engine):.1f} s.")
