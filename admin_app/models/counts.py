"""Live and trashed row counts per model, cached until a write invalidates them."""

from __future__ import annotations

import threading
import time
from typing import Any

from sqlalchemy import func, select

from admin_app.models.query import AnySession
from admin_app.soft_delete import with_deleted

TTL_SECONDS = 60.0
_lock = threading.Lock()
_cache: dict[tuple[str, ...], tuple[float, dict[str, dict[str, int]]]] = {}


def invalidate() -> None:
    """Forget the cached counts; the next dashboard view counts again."""
    with _lock:
        _cache.clear()


def model_counts(session: AnySession, models: list[Any]) -> dict[str, dict[str, int]]:
    """Return ``{table: {"live": n, "trashed": m}}``, counted at most once a minute per process."""
    # Keyed by database too: one process may serve (or test) more than one.
    key = (str(session.get_bind().engine.url), *(model.__tablename__ for model in models))
    with _lock:
        cached = _cache.get(key)
        if cached and cached[0] > time.monotonic() - TTL_SECONDS:
            return dict(cached[1])
    result = {model.__tablename__: _count(session, model) for model in models}
    with _lock:
        _cache[key] = (time.monotonic(), result)
    return result


def _count(session: AnySession, model: Any) -> dict[str, int]:
    trashed = func.count().filter(model.deleted_at.is_not(None))
    stmt = with_deleted(select(func.count(), trashed).select_from(model))  # type: ignore[type-var]
    total, in_trash = session.execute(stmt).one()
    return {"live": total - in_trash, "trashed": in_trash}
