"""The migration history builds the models' schema on both engines, and unwinds cleanly."""

from __future__ import annotations

import pytest
from flask_migrate import check, downgrade, upgrade
from sqlalchemy import inspect, text

from admin_app.database import pool_monitor
from admin_app.extensions import db
from tests.conftest import PRODUCTION, make_app, postgres_url

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


def _tag_kept() -> bool:
    db.session.remove()
    return db.session.execute(text("SELECT count(*) FROM tags")).scalar_one() == 1


def _one_tag() -> None:
    upgrade()
    db.session.execute(
        text(
            "INSERT INTO tags (id, name, slug, created_at, updated_at, version) "
            "VALUES ('00000000-0000-7000-8000-000000000001', 'kept', 'kept', "
            "'2026-12-01 00:00:00', '2026-12-01 00:00:00', 1)"
        )
    )
    db.session.commit()


def test_a_downgrade_that_would_drop_rows_is_refused_in_one_line(empty_app):
    _one_tag()
    result = empty_app.test_cli_runner().invoke(args=["db", "downgrade", "base"])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[-1].startswith("Error: downgrade refused: it would drop tables holding rows")
    assert "tags" in lines[-1]
    assert _tag_kept()


def test_an_explicit_flag_lets_the_downgrade_drop_them(empty_app):
    _one_tag()
    db.session.remove()
    downgrade(revision="base", x_arg=["allow_data_loss=yes"])
    assert _domain_tables() == set()


def test_production_refuses_it_even_with_the_flag(empty_app):
    _one_tag()
    db.session.remove()
    url = empty_app.config["SQLALCHEMY_DATABASE_URI"]
    production = make_app(url, **PRODUCTION)
    try:
        with production.app_context():  # as `flask` would run it: this app is current_app
            result = production.test_cli_runner().invoke(
                args=["db", "downgrade", "base", "-x", "allow_data_loss=yes"]
            )
        assert result.exit_code == 2
        assert "never in production" in result.output
    finally:
        with production.app_context():
            db.session.remove()
            db.engine.dispose()
            pool_monitor(production).monitor.dispose()
    assert _tag_kept()
