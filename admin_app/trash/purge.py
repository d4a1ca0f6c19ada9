"""Permanent removal of trashed rows, and the retention rule; never commits."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select

from admin_app.audit import ACTION_OVERRIDE
from admin_app.models import DOMAIN_MODELS, Action
from admin_app.models.events import delete_associations
from admin_app.models.query import AnySession
from admin_app.soft_delete import only_deleted, with_deleted
from admin_app.trash.restore_job import restoring_batches
from admin_app.trash.service import owned_records

# Children before parents, so a row is never removed from under a row we still address.
PURGE_ORDER = tuple(reversed(DOMAIN_MODELS))


def purge(session: AnySession, records: list[Any]) -> Counter[str]:
    """Delete ``records`` for good, with the rows they own (database cascades) and tag links.

    Only trashed records may be purged: live ones raise ValueError. Flushes; the caller commits.
    """
    live = [r for r in records if r.deleted_at is None]
    if live:
        raise ValueError(f"{live[0]} is not in the trash; only trashed records can be purged")
    ids: dict[Any, list[uuid.UUID]] = {}
    # Owned rows (live or trashed) are listed too, so each is purged, and audited, by name
    # rather than vanishing in a database cascade.
    for record in dict.fromkeys((*records, *owned_records(records, include_deleted=True))):
        ids.setdefault(type(record), []).append(record.id)
    return purge_ids(session, ids, expunge=records)


def purge_ids(
    session: AnySession,
    ids: dict[Any, list[uuid.UUID]],
    *,
    expunge: Iterable[Any] = (),
) -> Counter[str]:
    """Delete trashed rows by id, model by model; return how many rows each table lost.

    Rows are counted before anything is deleted: a database cascade (a reply removed with its
    comment) takes rows out of a later statement's reach, and its rowcount would miss them.
    """
    session.flush()
    removed: Counter[str] = Counter()
    for model in PURGE_ORDER:
        if ids.get(model):
            removed[model.__tablename__] = _count_trashed(session, model, ids[model])
    for model in PURGE_ORDER:
        wanted = ids.get(model)
        if not wanted:
            continue
        delete_associations(session.connection(), model.__tablename__, wanted)
        stmt = with_deleted(
            delete(model).where(model.id.in_(wanted), model.deleted_at.is_not(None))
        ).execution_options(synchronize_session=False, **{ACTION_OVERRIDE: Action.PURGE})
        session.execute(stmt)
    for record in expunge:
        if record in session:
            session.expunge(record)
    return removed


def _count_trashed(session: AnySession, model: Any, ids: list[uuid.UUID]) -> int:
    stmt = only_deleted(select(func.count()).select_from(model), model).where(model.id.in_(ids))
    return int(session.execute(stmt).scalar_one())


def purgeable(session: AnySession, *, before: datetime) -> dict[Any, list[uuid.UUID]]:
    """Ids of rows trashed before ``before``, per model."""
    found = {}
    restoring = restoring_batches(session)  # a running restore job finishes what it started
    for model in DOMAIN_MODELS:
        stmt = only_deleted(select(model.id), model).where(model.deleted_at < before)
        if restoring:
            stmt = stmt.where(
                or_(model.delete_batch.is_(None), model.delete_batch.not_in(restoring))
            )
        rows = list(session.scalars(stmt))
        if rows:
            found[model] = rows
    return found


def purge_older_than(
    session: AnySession, *, before: datetime, dry_run: bool = False
) -> Counter[str]:
    """Purge (or with ``dry_run`` only count) rows trashed before the cut-off."""
    found = purgeable(session, before=before)
    if dry_run:
        return Counter({model.__tablename__: len(ids) for model, ids in found.items()})
    return purge_ids(session, found)
