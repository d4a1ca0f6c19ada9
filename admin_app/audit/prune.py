"""Retention: the one way rows leave the append-only audit table; never commits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, select, text

from admin_app.audit.records import record
from admin_app.models import Action, AuditEntry

table = AuditEntry.__table__


@contextmanager
def pruning(connection: Connection) -> Iterator[None]:
    """Open the append-only guard for deletes within this block of the current transaction."""
    if connection.dialect.name == "postgresql":
        # SET LOCAL ends with the transaction whatever happens next.
        connection.execute(text("SET LOCAL admin_app.audit_prune = 'on'"))
        yield
        connection.execute(text("SET LOCAL admin_app.audit_prune = 'off'"))
        return
    connection.execute(text("UPDATE audit_gate SET prune_allowed = 1"))
    try:
        yield
    finally:
        connection.execute(text("UPDATE audit_gate SET prune_allowed = 0"))


def prune_older_than(session: Any, *, before: datetime, dry_run: bool = False) -> int:
    """Delete (or with ``dry_run`` count) entries older than ``before``; record the prune itself."""
    old = table.c.occurred_at < before
    count = int(session.execute(select(func.count()).select_from(table).where(old)).scalar_one())
    if dry_run or not count:
        return count
    connection = session.connection()
    with pruning(connection):
        connection.execute(delete(table).where(old))
    record(
        session,
        Action.PRUNE,
        entity_type="audit_entries",
        entity_repr=f"{count} entries",
        changes={"before": [None, before.isoformat()], "removed": [None, count]},
    )
    return count
