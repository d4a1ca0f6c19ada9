"""Liveness and readiness probes: JSON, no sign-in, no secrets."""

from __future__ import annotations

from flask import Flask, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from admin_app.auth.roles import public
from admin_app.database import pool_monitor


def init_app(app: Flask) -> None:
    app.add_url_rule("/healthz", "healthz", healthz)
    app.add_url_rule("/readyz", "readyz", readyz)


@public
def healthz() -> Response:
    return jsonify(status="ok")


@public
def readyz() -> tuple[Response, int]:
    """Ready when the database answers within a second and the pool is not exhausted."""
    monitor = pool_monitor()
    try:
        with monitor.monitor.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return jsonify(status="unavailable", database="unreachable"), 503
    stats = monitor.stats()
    if stats["waits"]["timeouts"] and stats["checked_out"] >= stats["capacity"]:
        return jsonify(status="unavailable", database="reachable", pool="exhausted"), 503
    return jsonify(status="ok", database="reachable", pool="ok"), 200
