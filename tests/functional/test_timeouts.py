"""PostgreSQL session limits from config, and a pool verdict that sees sessions waiting on locks."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from admin_app.config import load_settings
from admin_app.database import engine_options, is_database_fault, pool_monitor
from admin_app.extensions import db
from tests.conftest import make_app, postgres_url
from tests.waiting import wait_until

LIMITS = {"statement_timeout_ms": 300, "lock_timeout_ms": 20_000}


@pytest.fixture
def limited() -> Iterator[Flask]:
    app = make_app(postgres_url("tmo_"), database=LIMITS)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
        pool_monitor(app).monitor.dispose()


def test_every_connection_starts_with_the_configured_limits(limited):
    shown = {
        name: db.session.execute(text(f"SHOW {name}")).scalar_one()
        for name in ("statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout")
    }
    assert shown == {
        "statement_timeout": "300ms",
        "lock_timeout": "20s",
        "idle_in_transaction_session_timeout": "1min",
    }


PLANNER = ("random_page_cost", "jit")


def test_every_connection_costs_plans_for_cached_pages_without_jit(limited):
    shown = [db.session.execute(text(f"SHOW {name}")).scalar_one() for name in PLANNER]
    assert shown == ["1.1", "off"]


def test_the_planner_settings_come_from_config():
    app = make_app(postgres_url("plan_"), database={"random_page_cost": 4, "jit": True})
    with app.app_context():
        try:
            shown = [db.session.execute(text(f"SHOW {name}")).scalar_one() for name in PLANNER]
        finally:
            db.session.remove()
            db.engine.dispose()
            pool_monitor(app).monitor.dispose()
    assert shown == ["4", "on"]


def test_a_statement_over_the_limit_is_cancelled_as_a_database_fault(limited):
    with pytest.raises(OperationalError, match="statement timeout") as raised:
        db.session.execute(text("SELECT pg_sleep(5)"))
    assert is_database_fault(raised.value)  # so the web answers 503, not 500


def test_the_command_line_gets_its_own_statement_limit(tmp_path: Path):
    settings = load_settings(
        environ={},
        overrides={
            "database": {
                "url": "postgresql://x@127.0.0.1/y",
                "statement_timeout_ms": 1000,
                "cli_statement_timeout_ms": 0,
            }
        },
    )
    _, web = engine_options(settings, tmp_path)
    _, cli = engine_options(settings, tmp_path, cli=True)
    assert "-c statement_timeout=1000" in web["connect_args"]["options"]
    assert "-c statement_timeout=0" in cli["connect_args"]["options"]


def test_the_pool_verdict_warns_while_sessions_wait_on_a_lock(limited):
    monitor, engine = pool_monitor(limited), db.engine
    holder = engine.connect()
    holder.execute(text("SELECT pg_advisory_lock(4242)"))
    waiter_done = threading.Event()

    def wait_for_the_lock() -> None:
        with engine.connect() as connection:
            connection.execute(text("SET statement_timeout = 0"))
            connection.execute(text("SELECT pg_advisory_lock(4242)"))
            connection.execute(text("SELECT pg_advisory_unlock(4242)"))
        waiter_done.set()

    assert "lock" not in " ".join(monitor.stats(monitor.server())["verdict"]["reasons"])
    waiter = threading.Thread(target=wait_for_the_lock)
    waiter.start()
    try:
        wait_until(
            lambda: any(
                "waiting on a lock" in reason
                for reason in monitor.stats(monitor.server())["verdict"]["reasons"]
            ),
            "the verdict names the session waiting on a lock",
        )
    finally:
        holder.execute(text("SELECT pg_advisory_unlock(4242)"))
        holder.close()
        waiter.join(timeout=30)
    assert waiter_done.is_set()
