"""The migration history builds the models' schema on both engines, and unwinds cleanly."""

from __future__ import annotations

import pytest
from flask_migrate import check, downgrade, upgrade
from sqlalchemy import inspect

from admin_app.extensions import db
from tests.conftest import make_app, postgres_url

HAND_WRITTEN = {
    "sqlite": {"fts_posts", "fts_users", "fts_comments", "fts_tasks"},
    "postgresql": {"ix_fts_posts", "ix_fts_users", "ix_fts_comments", "ix_fts_tasks"},
}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_app(request, tmp_path):
    url = f"sqlite:///{tmp_path / 'mig.db'}" if request.param == "sqlite" else postgres_url("mig_")
    app = make_app(url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _hand_written_objects(dialect: str) -> set[str]:
    inspector = inspect(db.engine)
    if dialect == "sqlite":
        return set(inspector.get_table_names()) & HAND_WRITTEN["sqlite"]
    indexes = {
        ix["name"]
        for table in ("posts", "users", "comments", "tasks")
        for ix in inspector.get_indexes(table)
    }
    return indexes & HAND_WRITTEN["postgresql"]


def _domain_tables() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade_round_trip(empty_app):
    dialect = db.engine.dialect.name
    upgrade()
    assert _domain_tables() >= set(db.metadata.tables)
    assert _hand_written_objects(dialect) == HAND_WRITTEN[dialect]
    downgrade(revision="base")
    assert _domain_tables() == set()
    upgrade()
    assert _domain_tables() >= set(db.metadata.tables)
    assert _hand_written_objects(dialect) == HAND_WRITTEN[dialect]


def test_autogenerate_finds_no_difference(empty_app):
    upgrade()
    # flask_migrate.check exits non-zero when autogenerate would write a revision.
    check()


def test_partial_unique_indexes_are_live_only(empty_app):
    upgrade()
    indexes = {ix["name"]: ix for ix in inspect(db.engine).get_indexes("users")}
    live = indexes["uq_users_username_live"]
    assert live["unique"]
    where = live.get("dialect_options", {}).get(f"{db.engine.dialect.name}_where")
    assert where is not None
    assert "deleted_at IS NULL" in str(where)
