"""Alembic environment: runs against the app's engine and metadata (Flask-Migrate)."""

import logging
import re
from logging.config import fileConfig
from pathlib import Path

import click
from alembic import context
from alembic.runtime.migration import MigrationContext
from flask import current_app
from sqlalchemy import inspect, text

from admin_app.config import settings_of

config = context.config
if config.config_file_name and not logging.getLogger().handlers:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

# Objects written by hand in the revisions (full-text machinery) that the models do not
# declare: autogenerate must neither drop nor report them.
HAND_WRITTEN_PREFIXES = ("fts_", "ix_fts_", "audit_gate")


def include_object(obj, name, type_, reflected, compare_to):
    return not (name or "").startswith(HAND_WRITTEN_PREFIXES)


def include_name(name, type_, parent_names):
    return not (name or "").startswith(HAND_WRITTEN_PREFIXES)


def process_revision_directives(context_, revision, directives):
    # An autogenerate run that finds nothing writes no empty revision.
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


class DowngradeRefused(click.ClickException):
    """A downgrade would drop tables that hold rows; the message names them."""

    exit_code = 2


ALLOW = "allow_data_loss"
CREATED_TABLE = re.compile(r"op\.create_table\(\s*[\"'](\w+)[\"']")


def tables_dropped(connection):
    """The tables this run's downgrade would drop (those its revisions created), or none."""
    opts = context.get_context().opts
    fn = getattr(opts.get("fn"), "__name__", "")
    if fn != "downgrade":
        return []
    script = context.script
    heads = MigrationContext.configure(connection).get_current_heads()
    destination = opts.get("destination_rev") or "base"
    steps = script.iterate_revisions(heads, destination, select_for_downgrade=True)
    return [name for step in steps for name in CREATED_TABLE.findall(Path(step.path).read_text())]


def _has_rows(connection, table):
    # The name comes from our own revision files, never from input.
    return connection.execute(text(f'SELECT 1 FROM "{table}" LIMIT 1')).first() is not None


def refuse_data_loss(connection):
    """Stop a downgrade that would drop rows, unless allowed; in production, always."""
    existing = set(inspect(connection).get_table_names())
    holding = [
        name
        for name in tables_dropped(connection)
        if name in existing and _has_rows(connection, name)
    ]
    if not holding:
        return
    production = settings_of(current_app)["app"]["env"] == "production"
    allowed = context.get_x_argument(as_dictionary=True).get(ALLOW) == "yes"
    if allowed and not production:
        logger.warning("dropping tables that hold rows, as asked: %s", ", ".join(holding))
        return
    advice = "never in production" if production else f"pass -x {ALLOW}=yes to drop them anyway"
    raise DowngradeRefused(
        f"downgrade refused: it would drop tables holding rows ({', '.join(holding)}); {advice}"
    )


def run_migrations_online():
    db = current_app.extensions["migrate"].db
    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    conf_args.setdefault("compare_type", True)
    with db.engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=db.metadata,
            include_object=include_object,
            include_name=include_name,
            **conf_args,
        )
        refuse_data_loss(connection)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported: run against a database")
run_migrations_online()
