"""Summaries of delete batches for the recycle bin: when, by whom, how many of what."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from admin_app.models import DOMAIN_MODELS, Operator
from admin_app.models.query import AnySession, only_deleted


@dataclass
class BatchSummary:
    id: uuid.UUID
    deleted_at: datetime
    deleted_by: str | None = None
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def summarize_batches(
    session: AnySession, *, limit: int = 50, offset: int = 0
) -> list[BatchSummary]:
    """The newest ``limit`` batches after ``offset``, one aggregate query per model."""
    batches: dict[uuid.UUID, BatchSummary] = {}
    operators: dict[uuid.UUID, uuid.UUID | None] = {}
    for model in DOMAIN_MODELS:
        # One batch has one actor, so grouping by both adds no rows (and PostgreSQL has no
        # min() for uuid).
        columns = (model.delete_batch, model.deleted_by, func.min(model.deleted_at), func.count())
        stmt = only_deleted(select(*columns), model).group_by(model.delete_batch, model.deleted_by)
        rows: Any = session.execute(stmt)  # only trashed rows: batch and time are never NULL
        for batch_id, deleted_by, deleted_at, count in rows:
            summary = batches.setdefault(batch_id, BatchSummary(batch_id, deleted_at))
            summary.deleted_at = min(summary.deleted_at, deleted_at)
            summary.counts[model.__tablename__] += count
            operators.setdefault(batch_id, deleted_by)
    newest = sorted(batches.values(), key=lambda b: b.deleted_at, reverse=True)
    page = newest[offset : offset + limit]
    _name_operators(session, page, operators)
    return page


def _name_operators(
    session: AnySession, page: list[BatchSummary], operators: dict[uuid.UUID, uuid.UUID | None]
) -> None:
    ids = {operators[b.id] for b in page if operators.get(b.id)}
    rows = session.execute(select(Operator.id, Operator.username).where(Operator.id.in_(ids)))
    names = dict(rows.all()) if ids else {}
    for summary in page:
        summary.deleted_by = names.get(operators.get(summary.id))  # type: ignore[arg-type]


def count_batches(session: AnySession) -> int:
    """How many distinct batches are in the trash."""
    ids: set[uuid.UUID] = set()
    for model in DOMAIN_MODELS:
        ids.update(session.scalars(only_deleted(select(model.delete_batch).distinct(), model)))
    return len(ids)
