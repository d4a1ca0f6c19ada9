"""Row locks that make trash changes serialise: two restores, or a purge and a restore, of one
batch never both act on it. Never commits.

PostgreSQL locks the batch's rows (``SELECT ... FOR UPDATE``, in one order, so two lockers
never deadlock); SQLite has no row locks, so the transaction takes the database's write lock
up front (``BEGIN IMMEDIATE``). Either way whoever comes second waits, then reads what the
first left behind.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from admin_app.models import DOMAIN_MODELS
from admin_app.models.query import AnySession
from admin_app.soft_delete import with_deleted


def take_write_lock(session: AnySession) -> None:
    """On SQLite, start the transaction as a writer, unless it already is one."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    driver = connection.connection.driver_connection
    if not getattr(driver, "in_transaction", True):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def lock_batches(session: AnySession, batch_ids: Iterable[uuid.UUID]) -> None:
    """Lock every row of the batches until the transaction ends."""
    ids = list(batch_ids)
    take_write_lock(session)
    for model in DOMAIN_MODELS:
        _lock(session, select(model.id).where(model.delete_batch.in_(ids)).order_by(model.id))


def lock_rows(session: AnySession, model: Any, ids: Iterable[Any]) -> None:
    """Lock the given rows of one model until the transaction ends."""
    take_write_lock(session)
    _lock(session, select(model.id).where(model.id.in_(list(ids))).order_by(model.id))


def _lock(session: AnySession, stmt: Any) -> None:
    session.execute(with_deleted(stmt.with_for_update())).all()
