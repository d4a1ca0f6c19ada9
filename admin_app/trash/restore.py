"""Restore whole delete batches, after checks that make it all or nothing; never commits."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import inspect, select, tuple_
from sqlalchemy.orm import RelationshipDirection

from admin_app.models import DOMAIN_MODELS
from admin_app.models.constraints import live_unique_columns
from admin_app.models.naming import entity_type
from admin_app.models.query import AnySession
from admin_app.soft_delete import with_deleted
from admin_app.trash.locking import lock_batches


@dataclass
class Problem:
    """Why a batch cannot come back: a live row holds a unique value, or a parent is trashed."""

    kind: str  # "unique" or "parent"
    record: Any
    other: Any
    field: str = ""

    @property
    def message(self) -> str:
        kind = entity_type(self.record)
        if self.kind == "unique":
            value = getattr(self.record, self.field)
            return f"{self.field} {value!r} of {kind} {self.record} is now used by a live record"
        other = entity_type(self.other)
        return f"{kind} {self.record} belongs to {other} {self.other}, which is still in the trash"


@dataclass
class RestorePlan:
    """Everything a restore would bring back, and what stands in its way."""

    batch_ids: list[uuid.UUID]
    records: list[Any] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Counted by the database when ``records`` lists only the first rows (a big batch).
    sizes: Counter[str] | None = None

    def counts(self) -> Counter[str]:
        if self.sizes is not None:
            return self.sizes
        return Counter(type(r).__tablename__ for r in self.records)

    @property
    def total(self) -> int:
        return sum(self.counts().values())

    @property
    def parent_batches(self) -> set[uuid.UUID]:
        return {p.other.delete_batch for p in self.problems if p.kind == "parent"}


class RestoreBlocked(Exception):  # noqa: N818 - reads as what happened to the restore
    """Pre-flight checks failed; nothing was restored."""

    def __init__(self, plan: RestorePlan) -> None:
        super().__init__("; ".join(p.message for p in plan.problems))
        self.plan = plan


def batch_records(session: AnySession, batch_ids: Iterable[uuid.UUID]) -> list[Any]:
    """Every trashed row of the given batches, across all models, as the database has it now."""
    ids = list(batch_ids)
    records: list[Any] = []
    for model in DOMAIN_MODELS:
        stmt = with_deleted(select(model).where(model.delete_batch.in_(ids)))
        # populate_existing: a row read before a lock was taken is read again, not trusted.
        stmt = stmt.execution_options(populate_existing=True)
        records += session.scalars(stmt).unique().all()
    return records


def plan_restore(
    session: AnySession, batch_ids: Iterable[uuid.UUID], *, with_parents: bool = False
) -> RestorePlan:
    """Work out what restoring ``batch_ids`` brings back and whether it can.

    With ``with_parents``, the batches of trashed parents are added until none is missing.
    """
    plan = RestorePlan(batch_ids=list(dict.fromkeys(batch_ids)))
    while True:
        plan.records = batch_records(session, plan.batch_ids)
        plan.problems = trashed_parents(session, plan) + unique_clashes(session, plan.records)
        missing = plan.parent_batches - set(plan.batch_ids)
        if not (with_parents and missing):
            return plan
        plan.batch_ids += sorted(missing)


def restore(
    session: AnySession, batch_ids: Iterable[uuid.UUID], *, with_parents: bool = False
) -> RestorePlan:
    """Bring back exactly the rows of ``batch_ids``, or raise RestoreBlocked and change nothing.

    The batches' rows are locked first, so a concurrent restore or purge of them waits for this
    one (or this one for it); a batch already restored or purged restores nothing (the plan
    has no records). Adds and flushes; the caller commits.
    """
    locked = list(dict.fromkeys(batch_ids))
    lock_batches(session, locked)
    plan = plan_restore(session, locked, with_parents=with_parents)
    while set(plan.batch_ids) - set(locked):  # parents' batches joined the plan: lock them too
        locked = plan.batch_ids
        lock_batches(session, locked)
        plan = plan_restore(session, locked, with_parents=with_parents)
    if plan.problems:
        raise RestoreBlocked(plan)
    for record in plan.records:
        record.deleted_at = record.delete_batch = record.deleted_by = None
    session.flush()
    return plan


def required_parents(model: Any) -> Iterable[Any]:
    """Each non-nullable many-to-one of ``model`` to a soft-deletable model."""
    for rel in inspect(model).relationships:
        if rel.direction is not RelationshipDirection.MANYTOONE:
            continue
        columns = list(rel.local_columns)
        if any(col.nullable for col in columns) or "deleted_at" not in rel.mapper.columns:
            continue
        yield rel


def trashed_parents(session: AnySession, plan: RestorePlan) -> list[Problem]:
    """Parents in the trash outside the plan's batches: one query per model and relationship."""
    batches = set(plan.batch_ids)
    by_model: dict[Any, list[Any]] = {}
    for record in plan.records:
        by_model.setdefault(type(record), []).append(record)
    problems = []
    for model, group in by_model.items():
        for rel in required_parents(model):
            key = next(iter(rel.local_columns)).key
            parents = _trashed_by_id(session, rel.mapper.class_, {getattr(r, key) for r in group})
            for record in group:
                parent = parents.get(getattr(record, key))
                if parent is not None and parent.delete_batch not in batches:
                    problems.append(Problem("parent", record, parent))
    return problems


def _trashed_by_id(session: AnySession, model: Any, ids: set[Any]) -> dict[Any, Any]:
    stmt = with_deleted(select(model).where(model.id.in_(ids), model.deleted_at.is_not(None)))
    return {row.id: row for row in session.scalars(stmt).unique()}


def unique_clashes(session: AnySession, records: list[Any]) -> list[Problem]:
    """Values taken by live rows (or twice within the restore), one query per model and index."""
    problems: list[Problem] = []
    by_model: dict[Any, list[Any]] = {}
    for record in records:
        by_model.setdefault(type(record), []).append(record)
    for model, group in by_model.items():
        for columns in live_unique_columns(model):
            live = _live_rows_by_key(session, model, columns, [_key(r, columns) for r in group])
            claimed: dict[tuple[Any, ...], Any] = {}
            for record in group:
                key = _key(record, columns)
                other = live.get(key) or claimed.setdefault(key, record)
                if other is not record:
                    problems.append(Problem("unique", record, other, field=columns[0]))
    return problems


def _key(record: Any, columns: list[str]) -> tuple[Any, ...]:
    return tuple(getattr(record, name) for name in columns)


def _live_rows_by_key(
    session: AnySession, model: Any, columns: list[str], keys: list[tuple[Any, ...]]
) -> dict[tuple[Any, ...], Any]:
    # The soft-delete scoping leaves only live rows, so the trashed records never match.
    attrs = [getattr(model, name) for name in columns]
    if len(attrs) == 1:
        condition = attrs[0].in_([key[0] for key in keys])
    else:
        condition = tuple_(*attrs).in_(keys)
    return {_key(row, columns): row for row in session.scalars(select(model).where(condition))}
