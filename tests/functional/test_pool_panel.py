"""The pool panel through the test client, and the 503 an exhausted pool answers."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from admin_app.database import pool_monitor
from admin_app.extensions import db
from admin_app.models import Role
from tests.conftest import make_app, make_operator, sign_in


def test_panel_and_stats_for_a_viewer(client, as_role, dialect):
    as_role(Role.VIEWER)
    page = client.get("/admin/pool/")
    assert page.status_code == 200
    assert 'data-gauge="checked_out"' in page.get_data(as_text=True)
    stats = client.get("/admin/pool/stats.json").get_json()
    for key in (
        "size",
        "checked_out",
        "checked_in",
        "overflow",
        "open",
        "capacity",
        "threads",
        "counters",
        "waits",
        "held",
        "samples",
        "settings",
        "verdict",
        "server",
    ):
        assert key in stats, key
    assert stats["settings"]["pool_class"] == "TimedQueuePool"
    assert stats["counters"]["checkout"] >= 1
    assert stats["verdict"]["status"] in ("ok", "warn", "critical")
    assert stats["server"]["engine"] == dialect
    if dialect == "postgresql":
        apps = {row["application_name"] for row in stats["server"]["sessions"]}
        assert any(name.startswith("admin_app@") for name in apps)
        assert stats["server"]["max_connections"] > 0


def test_stats_need_sign_in(client):
    response = client.get("/admin/pool/stats.json")
    assert response.status_code == 401
    assert response.get_json() == {"error": "sign in required"}


@pytest.fixture
def tiny_pool_app(tmp_path):
    app = make_app(
        f"sqlite:///{tmp_path / 'tiny.db'}",
        database={"pool_size": 1, "max_overflow": 0, "pool_timeout": 1},
    )
    with app.app_context():
        upgrade()
        make_operator("watcher", Role.VIEWER)
        db.session.remove()
    return app


def test_exhausted_pool_answers_503_and_the_panel_keeps_answering(tiny_pool_app):
    client = tiny_pool_app.test_client()
    assert sign_in(client, "watcher").status_code == 302
    with tiny_pool_app.app_context():
        held = db.engine.connect()  # the only connection
        held.execute(text("SELECT 1"))
    try:
        api = client.get("/api/v1/posts")
        assert api.status_code == 503
        assert api.headers["Retry-After"] == "5"
        assert "busy" in api.get_json()["detail"]
        page = client.get("/admin/post/", headers={"Accept": "text/html"})
        assert page.status_code == 503
        stats = client.get("/admin/pool/stats.json")
        assert stats.status_code == 200
        figures = stats.get_json()
        assert figures["counters"]["timeout"] == 2
        assert figures["checked_out"] == 1
        assert figures["verdict"]["status"] == "critical"
        assert client.get("/readyz").status_code == 503
    finally:
        held.close()
    assert client.get("/readyz").status_code in (200, 503)
    assert client.get("/api/v1/posts").status_code == 200


def test_a_held_connection_names_the_request_holding_it(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'held.db'}")

    def hold() -> object:
        db.session.execute(text("SELECT 1"))  # the session keeps its connection until teardown
        return {"held": pool_monitor(app).stats()["held"]}

    app.add_url_rule("/hold-a-connection", "hold", hold)
    with app.app_context():
        upgrade()
    held = app.test_client().get("/hold-a-connection").get_json()["held"]
    assert [h["holder"] for h in held] == ["GET /hold-a-connection"]
    assert held[0]["thread"]
