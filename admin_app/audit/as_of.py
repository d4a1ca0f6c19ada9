"""A record as it was right after one of its history entries, rebuilt from the trail."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, select

from admin_app.audit.changes import REDACTED, REDACTED_FIELDS
from admin_app.audit.revert import MODELS, current_value, load_record
from admin_app.models import AuditEntry


def record_as_of(session: Any, entry: AuditEntry) -> dict[str, Any]:
    """Every field's value just after ``entry``: today's values with each later change undone.

    Works for purged records too: the purge entry's snapshot holds every field's last value.
    """
    model = MODELS.get(entry.entity_type)
    record = load_record(session, model, entry.entity_id) if model else None
    state = _fields_now(record) if record is not None else {}
    later = (
        select(AuditEntry)
        .where(
            AuditEntry.entity_type == entry.entity_type,
            AuditEntry.entity_id == entry.entity_id,
            AuditEntry.id > entry.id,
        )
        .order_by(AuditEntry.id.desc())
    )
    for newer in session.scalars(later):
        for name, (old, _) in (newer.changes or {}).items():
            state[name] = old
    return dict(sorted(state.items()))


def _fields_now(record: Any) -> dict[str, Any]:
    mapper = inspect(type(record))
    names = [attr.key for attr in mapper.column_attrs]
    names += [rel.key for rel in mapper.relationships if rel.secondary is not None]
    return {
        name: REDACTED if name in REDACTED_FIELDS else current_value(record, name) for name in names
    }
