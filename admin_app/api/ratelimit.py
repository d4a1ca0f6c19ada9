"""Requests per token per window, counted in SQL so several app processes share one limit."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from admin_app.api.problems import ApiProblem
from admin_app.config import settings_of
from admin_app.extensions import db
from admin_app.models.tokens import ApiToken, api_request_windows

windows = api_request_windows.c


def count(token: ApiToken, now: datetime) -> None:
    """Count this request against ``token`` and note its use; 429 when over the limit.

    Commits at once: the count must hold whatever the request goes on to do, and holding
    the row until the request ends would serialise every request of the token.
    """
    settings = settings_of(current_app)["app"]
    window = timedelta(seconds=settings["api_rate_window_seconds"])
    requests, started = _add_one(token, now, window)
    # On the connection, not the session: bookkeeping, which the audit's listener for ORM
    # bulk statements would otherwise record on every request.
    db.session.connection().execute(
        update(ApiToken.__table__)
        .where(ApiToken.__table__.c.id == token.id)
        .values(last_used_at=now)
    )
    db.session.commit()
    if requests > settings["api_rate_limit"]:
        wait = max(1, math.ceil((started + window - now).total_seconds()))
        raise ApiProblem(
            429,
            f"this token made more than {settings['api_rate_limit']} requests in "
            f"{window.seconds} seconds; try again in {wait} seconds",
            headers={"Retry-After": str(wait)},
        )


def _add_one(token: ApiToken, now: datetime, window: timedelta) -> tuple[int, datetime]:
    dialect = db.session.get_bind().dialect.name
    insert_into = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # ON CONFLICT DO NOTHING, then increments in SQL: concurrent requests all count.
    db.session.execute(
        insert_into(api_request_windows)
        .values(token_id=token.id, window_started_at=now, requests=0)
        .on_conflict_do_nothing(index_elements=["token_id"])
    )
    db.session.execute(
        update(api_request_windows)
        .where(windows.token_id == token.id, windows.window_started_at <= now - window)
        .values(window_started_at=now, requests=0)
    )
    db.session.execute(
        update(api_request_windows)
        .where(windows.token_id == token.id)
        .values(requests=windows.requests + 1)
    )
    row = db.session.execute(
        select(windows.requests, windows.window_started_at).where(windows.token_id == token.id)
    ).one()
    return int(row.requests), row.window_started_at
