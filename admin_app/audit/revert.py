"""Revert an update entry: set its fields back, recorded as a ``revert``; never commits."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import inspect, select

from admin_app.audit.changes import REDACTED
from admin_app.audit.listeners import ACTION_OVERRIDE, AUDITED
from admin_app.columns import to_json
from admin_app.models import Action, AuditEntry, Tag
from admin_app.models.naming import entity_type
from admin_app.soft_delete import get_with_deleted

REVERTIBLE = {Action.UPDATE, Action.REVERT, Action.BULK_UPDATE}
# The entity type of the entry an undo writes about the transaction it takes back.
UNDO_ENTITY = "transaction"
MODELS = {entity_type(model): model for model in AUDITED}


class RevertError(ValueError):
    """The entry cannot be reverted; the message says why."""


@dataclass
class RevertPlan:
    entry: AuditEntry
    record: Any
    # (field, value now, value the revert sets)
    fields: list[tuple[str, Any, Any]] = field(default_factory=list)
    # Fields changed again since the entry: reverting overwrites those later changes.
    conflicts: list[str] = field(default_factory=list)


def plan_revert(session: Any, entry: AuditEntry) -> RevertPlan:
    """Say what reverting ``entry`` would set, and which fields changed since; raise if it can't."""
    if entry.action not in REVERTIBLE:
        raise RevertError(f"a {entry.action} entry cannot be reverted")
    if entry.entity_type == UNDO_ENTITY:
        raise RevertError("it records an undo: undo its transaction instead")
    if "deleted_at" in entry.changes:  # part of an undo that trashed or restored the record
        raise RevertError("it moved the record to or from the trash: undo its transaction")
    model = MODELS.get(entry.entity_type)
    record = load_record(session, model, entry.entity_id) if model else None
    if record is None:
        raise RevertError("the record no longer exists")
    if getattr(record, "deleted_at", None) is not None:
        raise RevertError("the record is in the trash: restore it first")
    plan = RevertPlan(entry=entry, record=record)
    for name, (old, new) in entry.changes.items():
        if REDACTED in (old, new):
            raise RevertError(f"{name} is a secret and cannot be reverted")
        now = current_value(record, name)
        plan.fields.append((name, now, old))
        if now != new:
            plan.conflicts.append(name)
    return plan


def revert(session: Any, entry: AuditEntry, *, overwrite_later_changes: bool = False) -> RevertPlan:
    """Set the entry's fields back to their old values; flush; the caller commits.

    Raises RevertError if it cannot, or if fields changed since and the caller did not agree
    to overwrite those later changes.
    """
    plan = plan_revert(session, entry)
    if plan.conflicts and not overwrite_later_changes:
        raise RevertError("changed since: " + ", ".join(plan.conflicts))
    for name, _, old in plan.fields:
        assign_field(session, plan.record, name, old)
    flush_as_revert(session)
    return plan


def flush_as_revert(session: Any) -> None:
    """Flush, with the updates this writes recorded as ``revert`` entries."""
    session.info[ACTION_OVERRIDE] = Action.REVERT
    try:
        session.flush()
    finally:
        session.info.pop(ACTION_OVERRIDE, None)


def load_record(session: Any, model: Any, entity_id: str | None) -> Any:
    try:
        key = uuid.UUID(str(entity_id))
    except ValueError:
        return None
    return get_with_deleted(session, model, key)


def current_value(record: Any, name: str) -> Any:
    value = getattr(record, name)
    if isinstance(value, list):  # a many-to-many collection, recorded by name
        return sorted(str(member) for member in value)
    return to_json(value)


def assign_field(session: Any, record: Any, name: str, value: Any) -> None:
    mapper = inspect(type(record))
    if name in mapper.relationships:
        names = list(value or [])
        tags = session.scalars(select(Tag).where(Tag.name.in_(names))).all()
        if len(tags) != len(set(names)):
            raise RevertError(f"some of {names} no longer exist")
        setattr(record, name, list(tags))
        return
    setattr(record, name, from_json(mapper.columns[name].type, value))


def from_json(column_type: Any, value: Any) -> Any:
    """The Python value of a column from its JSON form in an entry."""
    if value is None:
        return None
    python_type = getattr(column_type, "impl", column_type).python_type
    if python_type is datetime or type(column_type).__name__ == "UTCDateTime":
        return datetime.fromisoformat(value)
    if type(column_type).__name__ == "UUIDType":
        return uuid.UUID(value)
    return value
