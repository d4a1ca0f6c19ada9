"""The recycle bin's pages at any size: the newest delete batches, older ones by keyset.

A batch's time is the newest ``deleted_at`` among its rows. Walking every model's trashed
rows newest first (``ix_<table>_trashed``) meets each batch first at that time, so the
newest batches are among the first rows walked: a page reads a few hundred index entries,
then its batches' rows by ``delete_batch``, however many batches the trash holds. Older
pages continue after the last batch shown (its time and id), never by OFFSET.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Integer,
    String,
    bindparam,
    cast,
    column,
    func,
    literal,
    null,
    select,
    table,
    union_all,
)

from admin_app.models.estimates import (
    ListCount,
    bounded_distinct_statement,
    read_bounded_count,
)
from admin_app.models.naming import label_column
from admin_app.models.operators import Operator
from admin_app.models.query import AnySession
from admin_app.models.reports import DeleteBatch
from admin_app.soft_delete import with_deleted

ROWS_PER_BATCH = 4  # rows walked per batch wanted, at first; doubled while batches share rows
_PG_STATS = table(
    "pg_stats", column("tablename"), column("attname"), column("n_distinct"), column("null_frac")
)
_PG_CLASS = table("pg_class", column("relname"), column("reltuples"))


@dataclass(frozen=True)
class BatchPage:
    batches: list[DeleteBatch]
    more: bool  # older batches exist past this page


def newest_batches(
    session: AnySession,
    models: list[Any],
    *,
    limit: int,
    before: tuple[datetime, uuid.UUID] | None = None,
) -> BatchPage:
    """The ``limit`` newest batches (older than ``before``, a batch's time and id), newest
    first. ``models`` come in dependency order (owners first): a batch's first is its root."""
    walk = limit * ROWS_PER_BATCH + 1
    while True:
        rows = _walk(session, models, limit=walk, before=before)
        first_met = dict(reversed(rows))  # each batch's newest row time before the cursor
        seen = list(dict.fromkeys(batch for batch, _ in rows))
        # Met newest first, so the first limit + 1 are the page (and whether more follow),
        # after those met at the cursor's own time, which it may have shown already.
        shown = sum(1 for at in first_met.values() if before is not None and at >= before[0])
        wanted = seen[: limit + 1 + shown]
        found = [b for b in _describe(session, models, wanted) if _older(b, before)]
        if len(found) <= limit < len(seen):
            found = [b for b in _describe(session, models, seen) if _older(b, before)]
        exhausted = len(rows) < walk
        if len(found) > limit or exhausted:
            return BatchPage(found[:limit], more=len(found) > limit)
        walk *= 2


def _older(batch: DeleteBatch, before: tuple[datetime, uuid.UUID] | None) -> bool:
    if before is None:
        return True
    at, batch_id = before
    return (batch.deleted_at, str(batch.id)) < (at, str(batch_id))


def _walk(
    session: AnySession, models: list[Any], *, limit: int, before: Any
) -> Sequence[tuple[uuid.UUID, datetime]]:
    """The newest ``limit`` trashed rows of all models (at or before ``before``'s time)."""
    stmt = _walk_statement(tuple(models), before is not None)
    values: dict[str, Any] = {"walk_limit": limit}
    if before is not None:
        values["walk_before"] = before[0]
    return [(row.batch, row.at) for row in session.execute(stmt, values)]


# The recycle bin's statements are unions over every model: building one anew and keying
# it for the compiled cache took a third of the page's time. Each is built once per set of
# models, its values bound per request; nothing in them depends on the clock.
@functools.cache
def _walk_statement(models: tuple[Any, ...], with_before: bool) -> Any:
    limit = bindparam("walk_limit", type_=Integer)
    parts = []
    for model in models:
        part = select(model.delete_batch.label("batch"), model.deleted_at.label("at")).where(
            model.deleted_at.is_not(None)
        )
        if with_before:
            part = part.where(model.deleted_at <= bindparam("walk_before"))
        # Each part walks its own trashed-rows index and stops at ``limit``.
        parts.append(part.order_by(model.deleted_at.desc(), model.id.desc()).limit(limit))
    merged = union_all(*(p.subquery().select() for p in parts)).subquery()
    stmt = select(merged.c.batch, merged.c.at).order_by(merged.c.at.desc()).limit(limit)
    return with_deleted(stmt)


def _describe(session: AnySession, models: list[Any], ids: list[uuid.UUID]) -> list[DeleteBatch]:
    """What each batch holds, through every model's ``delete_batch`` index, newest first."""
    if not ids:
        return []
    rows = session.execute(_describe_statement(tuple(models)), {"batches": ids}).all()
    order = {model.__name__: position for position, model in enumerate(models)}
    batches: dict[uuid.UUID, DeleteBatch] = {}
    for row in sorted(rows, key=lambda r: order[r.model]):
        if row.batch not in batches:
            # The root's row comes first; name it only when it is a single record.
            label = row.label if row.records == 1 else None
            batches[row.batch] = DeleteBatch(row.batch, row.at, row.username, label=label)
        batch = batches[row.batch]
        batch.counts[row.model] = batch.counts.get(row.model, 0) + row.records
        batch.deleted_at = max(batch.deleted_at, row.at)
    return sorted(batches.values(), key=lambda b: (b.deleted_at, str(b.id)), reverse=True)


@functools.cache
def _describe_statement(models: tuple[Any, ...]) -> Any:
    ids: Any = bindparam("batches", expanding=True)
    per_model = union_all(*(_batch_rows(model, ids) for model in models)).subquery()
    stmt = select(per_model, Operator.username).outerjoin(
        Operator, Operator.id == per_model.c.actor
    )
    return with_deleted(stmt)


def _batch_rows(model: Any, ids: Any) -> Any:
    name = label_column(model)
    label = func.min(getattr(model, name)) if name else cast(null(), String)
    return (
        select(
            model.delete_batch.label("batch"),
            literal(model.__name__).label("model"),
            func.max(model.deleted_at).label("at"),
            model.deleted_by.label("actor"),
            func.count().label("records"),
            label.label("label"),
        )
        .where(model.delete_batch.in_(ids))
        .group_by(model.delete_batch, model.deleted_by)
    )


def count_batches(session: AnySession, models: list[Any], *, threshold: int) -> ListCount:
    """How many batches the trash holds: exact up to ``threshold``, else estimated or a floor.

    On PostgreSQL the estimate is the planner's count of distinct ``delete_batch`` values of
    the model holding most (a batch spans models, so a sum would count it more than once).
    """
    is_pg = session.get_bind().dialect.name == "postgresql"
    counted = _count_statement(tuple(models), threshold, is_pg)
    return read_bounded_count(session, counted, threshold=threshold)


@functools.cache
def _count_statement(models: tuple[Any, ...], threshold: int, is_pg: bool) -> Any:
    batches = union_all(
        *(select(m.delete_batch.label("batch")).where(m.deleted_at.is_not(None)) for m in models)
    ).subquery()
    distinct = with_deleted(select(batches.c.batch).distinct())
    estimate = _pg_distinct_batches(list(models)) if is_pg else None
    return bounded_distinct_statement(distinct, threshold=threshold, estimate=estimate)


def _pg_distinct_batches(models: list[Any]) -> Any:
    """SQL for the planner's distinct delete batches of the model that has most."""
    stats, tables = _PG_STATS.c, _PG_CLASS.c
    # n_distinct < 0 is a fraction of the table's rows; > 0 is the count itself. One read of
    # the pg_stats view for every model: planning the view costs more than running it.
    distinct = func.greatest(stats.n_distinct, -stats.n_distinct * tables.reltuples)
    names = [model.__tablename__ for model in models]
    return (
        select(func.max(distinct))
        .select_from(_PG_STATS.join(_PG_CLASS, tables.relname == stats.tablename))
        .where(stats.tablename.in_(names), stats.attname == "delete_batch")
        .scalar_subquery()
    )
