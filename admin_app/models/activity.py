"""Records created and deleted per UTC day and table, kept on write by database triggers.

The dashboard's chart reads these few rows instead of scanning every table. The triggers
(migration 0005_big_tables) count a row on its ``created_at`` day while it exists and on its
``deleted_at`` day while it is in the trash: exactly what counting the tables would find.

``daily_trashed`` counts moves into the trash from the audit trail instead: a trigger on
audit_entries (migration 0015_trash_followups) adds one for every entry whose diff moves
``deleted_at`` from null to a time, whichever path wrote it (a delete, a bulk job, the API,
the CLI, an undo's revert). A later restore or purge takes nothing back.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import Column, Integer, String, Table, delete, func, insert, select

from admin_app.extensions import db
from admin_app.models.query import AnySession

daily_activity = Table(
    "daily_activity",
    db.metadata,
    Column("day", String(10), primary_key=True),  # YYYY-MM-DD, UTC
    Column("table_name", String(50), primary_key=True),
    Column("created", Integer, nullable=False, default=0),
    Column("deleted", Integer, nullable=False, default=0),
)


daily_trashed = Table(
    "daily_trashed",
    db.metadata,
    Column("day", String(10), primary_key=True),  # YYYY-MM-DD, UTC, of the entry
    Column("entity_type", String(50), primary_key=True),  # as the audit trail names it
    Column("trashed", Integer, nullable=False, default=0),
)


def select_trashed(entity_types: list[str], since: str) -> Any:
    """Per day from ``since`` (YYYY-MM-DD): records moved to the trash across the types."""
    return (
        select(daily_trashed.c.day, func.sum(daily_trashed.c.trashed))
        .where(daily_trashed.c.entity_type.in_(entity_types), daily_trashed.c.day >= since)
        .group_by(daily_trashed.c.day)
    )


def select_days(tables: list[str], since: str) -> Any:
    """Per day from ``since`` (YYYY-MM-DD): records created and deleted across ``tables``."""
    return (
        select(
            daily_activity.c.day,
            func.sum(daily_activity.c.created),
            func.sum(daily_activity.c.deleted),
        )
        .where(daily_activity.c.table_name.in_(tables), daily_activity.c.day >= since)
        .group_by(daily_activity.c.day)
    )


def rebuild(session: AnySession, models: list[Any], day_of: Any) -> None:
    """Recount every day from the tables (after a load with the triggers off); never commits."""
    connection = session.connection()
    found: Counter[tuple[str, str, str]] = Counter()
    for model in models:
        table = model.__table__
        for kind in ("created", "deleted"):
            column = table.c[f"{kind}_at"]
            counted = select(day_of(column), func.count()).where(column.is_not(None))
            for day, n in connection.execute(counted.group_by(day_of(column))):
                found[(day, table.name, kind)] += n
    keys = {(day, name) for day, name, _ in found}
    rows = [
        {
            "day": d,
            "table_name": t,
            "created": found[(d, t, "created")],
            "deleted": found[(d, t, "deleted")],
        }
        for d, t in sorted(keys)
    ]
    connection.execute(delete(daily_activity))
    if rows:
        connection.execute(insert(daily_activity), rows)
