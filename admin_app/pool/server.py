"""What the database server sees, read over a one-connection monitor engine of its own."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import SQLAlchemyError

PG_SESSIONS = text("""
    SELECT coalesce(application_name, '') AS application_name,
           CASE WHEN wait_event_type = 'Lock' THEN 'waiting on a lock'
                ELSE coalesce(state, 'unknown') END AS state,
           count(*) AS sessions,
           max(extract(epoch FROM clock_timestamp() - query_start))
               FILTER (WHERE state = 'active') AS longest_active_s
    FROM pg_stat_activity
    WHERE datname = current_database() AND backend_type = 'client backend'
    GROUP BY 1, 2 ORDER BY 1, 2
""")


def application_name() -> str:
    """How this process names its connections (``admin_app@host:pid``), so the server view
    tells instances apart."""
    return f"admin_app@{socket.gethostname()}:{os.getpid()}"[:63]


def monitor_engine(url: Any, app_name: str) -> Engine:
    """One connection, one second to get it: the panel answers even when the app pool is full."""
    args: dict[str, Any] = {}
    if url.get_backend_name() == "postgresql":
        args = {
            "connect_timeout": 2,
            "application_name": f"{app_name}:monitor"[:63],
            "options": "-c statement_timeout=1000",
        }
    return create_engine(
        url, pool_size=1, max_overflow=0, pool_timeout=1, pool_pre_ping=True, connect_args=args
    )


def server_view(engine: Engine) -> dict[str, Any]:
    """Sessions by application and state on PostgreSQL; the file's settings on SQLite."""
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "postgresql":
                return _postgresql(connection)
            return _sqlite(connection, engine)
    except SQLAlchemyError as exc:
        return {"engine": engine.dialect.name, "error": str(getattr(exc, "orig", exc))[:200]}


def _postgresql(connection: Any) -> dict[str, Any]:
    rows = [dict(r._mapping) for r in connection.execute(PG_SESSIONS)]
    for row in rows:
        row["longest_active_s"] = round(float(row["longest_active_s"] or 0), 3)
    maximum = int(connection.execute(text("SHOW max_connections")).scalar_one())
    total = int(connection.execute(text("SELECT count(*) FROM pg_stat_activity")).scalar_one())
    return {
        "engine": "postgresql",
        "sessions": rows,
        "total_connections": total,
        "max_connections": maximum,
        "longest_active_s": max((r["longest_active_s"] for r in rows), default=0.0),
    }


def _sqlite(connection: Any, engine: Engine) -> dict[str, Any]:
    path = engine.url.database or ":memory:"
    size = os.path.getsize(path) if Path(path).exists() else 0
    return {
        "engine": "sqlite",
        "file": Path(path).name,
        "size_bytes": size,
        "journal_mode": connection.execute(text("PRAGMA journal_mode")).scalar_one(),
        "busy_timeout_ms": connection.execute(text("PRAGMA busy_timeout")).scalar_one(),
    }
