"""Alembic environment: runs against the app's engine and metadata (Flask-Migrate)."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

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
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported: run against a database")
run_migrations_online()
