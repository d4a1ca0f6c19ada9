"""A database that does not answer: 503 with Retry-After (a page for the console, JSON for the
API and stats.json), one log line per burst, and probes that never need the operator."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event

from admin_app import web
from admin_app.database import pool_monitor
from admin_app.extensions import db
from admin_app.models import Role
from tests.conftest import make_app


@pytest.fixture
def down(app: Flask, dialect: str, tmp_path: Any) -> Iterator[Flask]:
    """The same app (same secret key, so the same session cookie) on a database that is down."""
    if dialect == "sqlite":
        url = f"sqlite:///{tmp_path / 'no-such-directory' / 'gone.db'}"
    else:
        url = "postgresql://postgres@127.0.0.1:1/gone"  # nothing listens on port 1
    broken = make_app(url, database={"connect_timeout": 1})
    broken.test_client_class = app.test_client_class
    yield broken
    with broken.app_context():
        db.engine.dispose()
        pool_monitor(broken).monitor.dispose()


@pytest.fixture
def signed_in(client: Any, as_role: Any, down: Flask) -> Any:
    """A client of the broken app carrying an editor's session cookie from the working one."""
    as_role(Role.EDITOR)
    cookie = client.get_cookie("session")
    other = down.test_client()
    other.set_cookie("session", cookie.value)
    return other


@pytest.fixture
def fresh_burst(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(web, "burst_log", web.BurstLog())


def _connect_attempts(app: Flask) -> list[int]:
    attempts: list[int] = []
    with app.app_context():
        event.listen(db.engine, "do_connect", lambda *args: attempts.append(1))
    return attempts


def test_console_pages_answer_503_with_retry_after(signed_in, fresh_burst):
    for path in ("/admin/", "/admin/post/", "/admin/trash/", "/admin/post/new/"):
        response = signed_in.get(path)
        assert response.status_code == 503, path
        assert response.headers["Retry-After"].isdigit()
        assert response.mimetype == "text/html"
        assert "not answering" in response.get_data(as_text=True)
        assert "Traceback" not in response.get_data(as_text=True)


def test_the_api_and_stats_json_answer_503_as_json(signed_in, fresh_burst):
    for path in ("/api/v1/posts", "/admin/pool/stats.json"):
        response = signed_in.get(path)
        assert response.status_code == 503, path
        assert response.headers["Retry-After"].isdigit()
        body = response.get_json()
        assert "not answering" in body.get("detail", body.get("error"))


def test_a_bearer_token_request_answers_503_as_a_problem_with_retry_after(down, fresh_burst):
    # The token is looked up before anything else: that lookup is what meets the fault.
    headers = {"Authorization": "Bearer adm_whatever", "Content-Type": "application/json"}
    for method in ("GET", "POST"):
        response = down.test_client().open("/api/v1/tags", method=method, headers=headers, json={})
        assert response.status_code == 503, (method, response.get_data()[:300])
        assert response.headers["Retry-After"].isdigit()
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["status"] == 503
        assert "SELECT" not in response.get_data(as_text=True)


def test_a_write_answers_503_and_says_nothing_of_sql(signed_in, fresh_burst):
    response = signed_in.post("/admin/post/new/", data={"title": "x"})
    # The CSRF check reads only the session: the request reaches the database and fails there.
    assert response.status_code in (400, 503)
    assert "SELECT" not in response.get_data(as_text=True)


def test_probes_never_load_the_operator_or_use_the_request_pool(signed_in, down, fresh_burst):
    attempts = _connect_attempts(down)
    health = signed_in.get("/healthz")
    ready = signed_in.get("/readyz")
    assert health.status_code == 200
    assert health.get_json() == {"status": "ok"}
    assert ready.status_code == 503
    assert ready.get_json()["database"] == "unreachable"
    assert attempts == [], "the probes opened connections of the request pool"


def test_a_burst_of_faults_is_one_log_line(signed_in, fresh_burst, caplog):
    caplog.set_level(logging.WARNING, logger="admin_app.web")
    for _ in range(10):
        assert signed_in.get("/admin/post/").status_code == 503
    lines = [r for r in caplog.records if "answering 503" in r.getMessage()]
    assert len(lines) == 1
    assert not any(r.exc_info for r in caplog.records), "no traceback per request"
