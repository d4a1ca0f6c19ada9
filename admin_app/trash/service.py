"""Move records and everything they own to the trash in one batch; never commits."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from admin_app.models.mixins import SoftDeleteMixin
from admin_app.models.query import AnySession
from admin_app.models.types import utc_now, uuid7


@dataclass
class TrashBatch:
    """What one delete moved: the batch id and every record in it, the roots first."""

    id: uuid.UUID
    records: list[SoftDeleteMixin] = field(default_factory=list)

    def counts(self) -> Counter[str]:
        return Counter(type(record).__tablename__ for record in self.records)  # type: ignore[attr-defined]


def owned_children(record: Any) -> Iterator[SoftDeleteMixin]:
    """Yield the live records ``record`` owns (declared in ``__owned__``), depth first."""
    for name in getattr(record, "__owned__", ()):
        value = getattr(record, name)
        children = value if isinstance(value, list) else [value] if value is not None else []
        for child in children:
            yield child
            yield from owned_children(child)


def preview_cascade(records: Iterable[Any]) -> Counter[str]:
    """Count the live records that deleting ``records`` would move along with them."""
    roots = list(records)
    seen = {id(r) for r in roots}
    found: Counter[str] = Counter()
    for root in roots:
        for child in owned_children(root):
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
