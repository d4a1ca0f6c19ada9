"""Move records and everything they own to the trash in one batch; never commits."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import object_session

from admin_app.columns import utc_now, uuid7
from admin_app.models.query import AnySession
from admin_app.soft_delete import SoftDeleteMixin, with_deleted


@dataclass
class TrashBatch:
    """What one delete moved: the batch id and every record in it, the roots first."""

    id: uuid.UUID
    records: list[SoftDeleteMixin] = field(default_factory=list)

    def counts(self) -> Counter[str]:
        return Counter(type(record).__tablename__ for record in self.records)  # type: ignore[attr-defined]


def owned_records(roots: Iterable[Any], *, include_deleted: bool = False) -> list[Any]:
    """Every record ``roots`` own through ``__owned__``, at any depth, roots excluded.

    Live ones only, unless ``include_deleted`` (a purge also removes owned rows already
    trashed). One query per owning relationship and level, however many records there are.
    """
    frontier = list(roots)
    session = object_session(frontier[0]) if frontier else None
    seen = {(type(r), r.id) for r in frontier}
    found: list[Any] = []
    while frontier and session is not None:
        # A record owned twice (a comment on a user's own post) is met twice in one level:
        # keep its first sighting only, so every count matches what the action moves.
        frontier = [c for c in _next_level(session, frontier, include_deleted) if _first(c, seen)]
        found += frontier
    return found


def _first(record: Any, seen: set[tuple[type, Any]]) -> bool:
    key = (type(record), record.id)
    if key in seen:
        return False
    seen.add(key)
    return True


def _next_level(session: Any, parents: list[Any], include_deleted: bool) -> list[Any]:
    by_model: dict[Any, list[Any]] = {}
    for parent in parents:
        by_model.setdefault(type(parent), []).append(parent)
    children: list[Any] = []
    for model, group in by_model.items():
        for name in getattr(model, "__owned__", ()):
            rel = inspect(model).relationships[name]
            (parent_key,) = rel.local_columns
            (child_fk,) = rel.remote_side
            stmt = select(rel.mapper.class_).where(
                child_fk.in_([getattr(p, parent_key.key) for p in group])
            )
            stmt = with_deleted(stmt) if include_deleted else stmt
            children += session.scalars(stmt).unique().all()
    return children


def preview_cascade(records: Iterable[Any], *, include_deleted: bool = False) -> Counter[str]:
    """Count the records that would go along with ``records`` (see owned_records)."""
    owned = owned_records(records, include_deleted=include_deleted)
    return Counter(type(record).__tablename__ for record in owned)


def soft_delete(
    session: AnySession,
    records: Iterable[Any],
    *,
    actor_id: uuid.UUID | None = None,
    batch_id: uuid.UUID | None = None,
) -> TrashBatch:
    """Trash ``records`` and the live records they own, all under one batch id.

    A new batch unless ``batch_id`` is given (a bulk job's chunks share one). Children
    already in the trash keep their own batch, so restoring this batch never brings them
    back. Adds and flushes; the caller commits.
    """
    batch = TrashBatch(id=batch_id or uuid7())
    now = utc_now()
    roots = list(records)
    # owned_records never repeats a record; the roots may (the same row selected twice).
    for record in dict.fromkeys((*roots, *owned_records(roots))):
        if record.deleted_at is not None:
            continue
        record.deleted_at, record.delete_batch, record.deleted_by = now, batch.id, actor_id
        batch.records.append(record)
    session.flush()
    return batch
