"""The audited writes that moved a record past a version someone read: who changed what since.

A refused stale save (a console form, a list action, an API ``If-Match``) names them, so the
person or script that lost the race knows what to look at before trying again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from admin_app.models import AuditEntry
from admin_app.models.naming import entity_type
from admin_app.models.query import AnySession

# How far back to look for the entries that moved a version when only some fields count.
_SCAN = 100


def changes_since(
    session: AnySession, record: Any, seen: int, fields: tuple[str, ...] | None = None
) -> list[AuditEntry]:
    """The audit entries of the writes that moved ``record`` past version ``seen``, oldest first.

    ``fields``: only these move the version (operators), so entries touching none are skipped.
    A ``seen`` at or above the record's version (a tag it never had) gives the latest entry.
    """
    wanted = max(record.version - seen, 1)
    stmt = (
        select(AuditEntry)
        .where(
            AuditEntry.entity_type == entity_type(record),
            AuditEntry.entity_id == str(record.id),
        )
        .order_by(AuditEntry.id.desc())
        .limit(wanted if fields is None else _SCAN)
    )
    entries = list(session.scalars(stmt).all())
    if fields is not None:
        entries = [entry for entry in entries if set(entry.changes) & set(fields)]
    return list(reversed(entries[:wanted]))


def describe(entry: AuditEntry) -> str:
    """``alice (update: body, title)``: who, what kind of write, which fields."""
    action = entry.action.replace("_", " ")
    fields = ", ".join(sorted(entry.changes))
    return (
        f"{entry.actor_name} ({action}: {fields})" if fields else f"{entry.actor_name} ({action})"
    )
