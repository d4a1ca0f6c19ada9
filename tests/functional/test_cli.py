"""The ``flask`` commands: demo seeding, operators, the first admin, production guard."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from admin_app.extensions import db
from admin_app.models import DOMAIN_MODELS, Operator, Role
from admin_app.soft_delete import with_deleted
from tests.conftest import PRODUCTION, make_app, make_operator, sign_in
from tests.factories import UserFactory

GOOD_PASSWORD = "a long enough password"


def _row_counts(session: Any) -> dict[str, int]:
    session.rollback()
    return {
        model.__tablename__: session.scalar(with_deleted(select(func.count()).select_from(model)))
        for model in (*DOMAIN_MODELS, Operator)
    }


def _operators(session: Any) -> list[tuple[str, str]]:
    session.rollback()
    rows = session.execute(select(Operator.username, Operator.role).order_by(Operator.username))
    return [tuple(row) for row in rows]


def _error_lines(result: Any) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def _run(app: Flask, command: str, stdin: str | None = None) -> Any:
    """Run ``flask <command>`` (words split on spaces) against ``app``."""
    return app.test_cli_runner().invoke(args=command.split(), input=stdin)


# --- seed bench ---------------------------------------------------------------------------


def _settled(session: Any, dialect: str) -> bool:
    """Whether the posts table has what lists need after a load: statistics, and (PostgreSQL)
    pages marked all-visible, so index-only scans never visit the table."""
    session.rollback()
    if dialect == "postgresql":
        pages, visible = session.execute(
            text("SELECT relpages, relallvisible FROM pg_class WHERE relname = 'posts'")
        ).one()
        return bool(pages) and visible == pages
    # Each index's statistics start with its row count: these are today's, not a past test's.
    stats = session.scalars(text("SELECT stat FROM sqlite_stat1 WHERE tbl = 'posts'"))
    return any(stat.startswith("200 ") for stat in stats)


def test_seed_bench_ends_with_the_tables_vacuumed_and_analysed(app, session, dialect):
    result = _run(app, "seed bench --scale 200")
    assert result.exit_code == 0, result.output
    assert "Loaded scale 200" in result.stdout
    assert "Vacuumed and analysed in" in result.stdout
    assert _row_counts(session)["posts"] == 200
    assert _settled(session, dialect)


def test_seed_bench_no_vacuum_only_loads(app, session):
    result = _run(app, "seed bench --scale 200 --no-vacuum")
    assert result.exit_code == 0, result.output
    assert "Vacuumed" not in result.stdout
    assert _row_counts(session)["posts"] == 200


# --- seed demo ----------------------------------------------------------------------------


def test_seed_demo_adds_the_demo_office(app, session):
    result = _run(app, "seed demo")
    assert result.exit_code == 0, result.output
    assert "added 8 users" in result.stdout
    counts = _row_counts(session)
    assert counts["users"] == 8
    assert counts["posts"] == 36
    assert counts["comments"] == 90


def test_seed_demo_twice_adds_nothing_the_second_time(app, session):
    assert _run(app, "seed demo").exit_code == 0
    first = _row_counts(session)
    result = _run(app, "seed demo")
    assert result.exit_code == 0, result.output
    assert "Demo data present." in result.stdout
    assert _row_counts(session) == first


def test_seed_demo_if_empty_leaves_a_database_with_users_alone(app, session):
    UserFactory()
    session.commit()
    result = _run(app, "seed demo --if-empty")
    assert result.exit_code == 0, result.output
    assert _row_counts(session)["users"] == 1
    assert _row_counts(session)["posts"] == 0


@pytest.fixture
def production_app(app: Flask) -> Iterator[Flask]:
    """A production-mode app on the same (migrated) database as ``app``."""
    prod = make_app(app.config["SQLALCHEMY_DATABASE_URI"], **PRODUCTION)
    yield prod
    with prod.app_context():
        db.session.remove()
        db.engine.dispose()


def test_seed_demo_refuses_production_unless_forced(production_app, session):
    before = _row_counts(session)
    with production_app.app_context():
        refused = _run(production_app, "seed demo")
    assert refused.exit_code != 0
    assert _error_lines(refused) == ["Error: refusing to seed a production database (use --force)"]
    assert _row_counts(session) == before

    with production_app.app_context():
        forced = _run(production_app, "seed demo --force")
    assert forced.exit_code == 0, forced.output
    assert _row_counts(session)["users"] == 8


# --- operator create ----------------------------------------------------------------------


def test_operator_create_with_password_stdin_makes_a_working_account(app, client, session):
    result = _run(
        app, "operator create newbie --role editor --password-stdin", stdin=GOOD_PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    assert "Created editor newbie." in result.stdout
    assert GOOD_PASSWORD not in result.output
    assert _operators(session) == [("newbie", "editor")]
    response = sign_in(client, "newbie", GOOD_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"


def test_operator_create_prompts_for_the_password_twice(app, session):
    result = _run(app, "operator create prompted", stdin=f"{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    account = session.scalars(select(Operator).filter_by(username="prompted")).one()
    assert account.role == "viewer"
    assert account.check_password(GOOD_PASSWORD)


def test_operator_create_refuses_a_duplicate_name(app, session):
    make_operator("taken", Role.VIEWER)
    result = _run(
        app, "operator create taken --role admin --password-stdin", stdin=GOOD_PASSWORD + "\n"
    )
    assert result.exit_code != 0
    assert _error_lines(result) == ["Error: operator 'taken' already exists"]
    assert _operators(session) == [("taken", "viewer")]


def test_operator_create_refuses_a_short_password(app, session):
    result = _run(app, "operator create shorty --password-stdin", stdin="tiny\n")
    assert result.exit_code != 0
    lines = _error_lines(result)
    assert len(lines) == 1
    assert "at least 10 characters" in lines[0]
    assert _operators(session) == []


def test_operator_create_refuses_an_unknown_role(app, session):
    result = _run(
        app, "operator create boss --role owner --password-stdin", stdin=GOOD_PASSWORD + "\n"
    )
    assert result.exit_code != 0
    errors = [line for line in _error_lines(result) if line.startswith("Error")]
    assert len(errors) == 1
    assert "--role" in errors[0]
    assert "owner" in errors[0]
    assert _operators(session) == []


# --- operator ensure-admin ----------------------------------------------------------------


def test_ensure_admin_creates_the_first_admin_from_admin_password(
    app, client, session, monkeypatch
):
    monkeypatch.setenv("ADMIN_PASSWORD", GOOD_PASSWORD)
    result = _run(app, "operator ensure-admin")
    assert result.exit_code == 0, result.output
    assert GOOD_PASSWORD not in result.output
    assert _operators(session) == [("admin", "admin")]
    assert sign_in(client, "admin", GOOD_PASSWORD).status_code == 302
    assert client.get("/admin/operator/").status_code == 200

    again = _run(app, "operator ensure-admin")
    assert again.exit_code == 0, again.output
    assert _operators(session) == [("admin", "admin")]


def test_ensure_admin_prints_a_generated_password_that_works(app, client, session, monkeypatch):
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    result = _run(app, "operator ensure-admin --username root")
    assert result.exit_code == 0, result.output
    match = re.search(r"root / (\S+)", result.stdout)
    assert match, result.stdout
    assert _operators(session) == [("root", "admin")]
    assert sign_in(client, "root", match.group(1)).status_code == 302


def test_ensure_admin_does_nothing_when_an_operator_exists(app, session, monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", GOOD_PASSWORD)
    make_operator("someone", Role.VIEWER)
    result = _run(app, "operator ensure-admin")
    assert result.exit_code == 0, result.output
    assert _operators(session) == [("someone", "viewer")]


def test_ensure_admin_refuses_a_short_admin_password(app, session, monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", "short")
    result = _run(app, "operator ensure-admin")
    assert result.exit_code != 0
    assert len(_error_lines(result)) == 1
    assert _operators(session) == []
