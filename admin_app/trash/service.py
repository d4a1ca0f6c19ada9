"""Move records and everything they own to the trash in one batch; never commits."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import object_session, with_parent

from admin_app.models.mixins import SoftDeleteMixin
from admin_app.models.query import AnySession, with_deleted
from admin_app.models.types import utc_now, uuid7


@dataclass
class TrashBatch:
    """What one delete moved: the batch id and every record in it, the roots first."""

    id: uuid.UUID
    records: list[SoftDeleteMixin] = field(default_factory=list)

    def counts(self) -> Counter[str]:
        return Counter(type(record).__tablename__ for record in self.records)  # type: ignore[attr-defined]


def owned_children(record: Any, *, include_deleted: bool = False) -> Iterator[SoftDeleteMixin]:
    """Yield the records ``record`` owns (declared in ``__owned__``), depth first.

    Live ones only, unless ``include_deleted``: a purge also removes owned rows already trashed.
    """
    for name in getattr(record, "__owned__", ()):
        for child in _children(record, name, include_deleted):
            yield child
            yield from owned_children(child, include_deleted=include_deleted)


def _children(record: Any, name: str, include_deleted: bool) -> list[Any]:
    if include_deleted:
        attribute = getattr(type(record), name)
        stmt = select(attribute.property.mapper.class_).where(with_parent(record, attribute))
        session = object_session(record)
        return list(session.scalars(with_deleted(stmt)).unique()) if session else []
    value = getattr(record, name)
    return value if isinstance(value, list) else [value] if value is not None else []


def preview_cascade(records: Iterable[Any], *, include_deleted: bool = False) -> Counter[str]:
    """Count the records that would go along with ``records`` (see owned_children)."""
    roots = list(records)
    seen = {id(r) for r in roots}
    found: Counter[str] = Counter()
    for root in roots:
        for child in owned_children(root, include_deleted=include_deleted):
            if id(child) not in seen:
                seen.add(id(child))
                found[type(child).__tablename__] += 1  # type: ignore[attr-defined]
    return found


def soft_delete(
    session: AnySession, records: Iterable[Any], *, actor_id: uuid.UUID | None = None
) -> TrashBatch:
    """Trash ``records`` and the live records they own, all under one new batch id.

    Children already in the trash keep their own batch, so restoring this batch never
    brings them back. Adds and flushes; the caller commits.
    """
    batch = TrashBatch(id=uuid7())
    now = utc_now()
    seen: set[int] = set()
    for root in records:
        for record in (root, *owned_children(root)):
            if id(record) in seen or record.deleted_at is not None:
                continue
            seen.add(id(record))
            record.deleted_at, record.delete_batch, record.deleted_by = now, batch.id, actor_id
            batch.records.append(record)
    session.flush()
    return batch
