"""Live and trashed row counts per model (bounded, estimated above the threshold), cached
until a write invalidates them."""

from __future__ import annotations

import threading
import time
from typing import Any

from sqlalchemy import select

from admin_app.models.estimates import bounded_counts
from admin_app.models.query import AnySession

TTL_SECONDS = 60.0
_lock = threading.Lock()
_cache: dict[tuple[str, ...], tuple[float, dict[str, dict[str, int]]]] = {}


def invalidate() -> None:
    """Forget the cached counts; the next dashboard view counts again."""
    with _lock:
        _cache.clear()


def model_counts(
    session: AnySession, models: list[Any], *, threshold: int = 10_000
) -> dict[str, dict[str, int]]:
    """Return ``{table: {"live": n, "trashed": m}}``, counted at most once a minute per process.

    Each figure is a ListCount: exact up to ``threshold``, above it an estimate. One query.
    """
    # Keyed by database too: one process may serve (or test) more than one.
    key = (str(session.get_bind().engine.url), *(model.__tablename__ for model in models))
    with _lock:
        cached = _cache.get(key)
        if cached and cached[0] > time.monotonic() - TTL_SECONDS:
            return dict(cached[1])
    result = _count(session, models, threshold)
    with _lock:
        _cache[key] = (time.monotonic(), result)
    return result


def _count(session: AnySession, models: list[Any], threshold: int) -> dict[str, dict[str, int]]:
    counted: list[tuple[Any, str | None]] = []
    for model in models:
        table = model.__table__
        # Core columns: the soft-delete scoping of ORM entities must not hide the trash.
        live = select(table.c.id).where(table.c.deleted_at.is_(None))
        trashed = select(table.c.id).where(table.c.deleted_at.is_not(None))
        counted += [
            (live, f"ix_{table.name}_created_at_live"),
            (trashed, f"ix_{table.name}_trashed"),
        ]
    found = bounded_counts(session, counted, threshold=threshold)
    return {
        model.__tablename__: {"live": found[2 * n], "trashed": found[2 * n + 1]}
        for n, model in enumerate(models)
    }
