"""Turn ORM objects and their attribute history into JSON-ready ``{field: [old, new]}`` diffs."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect

# Never written to the trail, in any form: the entry says the field changed, not to what.
REDACTED_FIELDS = frozenset({"password_hash", "password", "secret", "token", "api_key"})
REDACTED = "[redacted]"
# Changes to these alone are bookkeeping, not something an operator did.
QUIET_FIELDS = frozenset({"updated_at", "last_login_at"})


def to_json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _pair(key: str, old: Any, new: Any) -> list[Any]:
    if key in REDACTED_FIELDS:
        return [REDACTED, REDACTED]
    return [to_json(old), to_json(new)]


def entity_type(obj: Any) -> str:
    return type(obj).__name__.lower()


def entity_repr(obj: Any) -> str:
    try:
        return str(obj)[:255]
    except Exception:
        return f"{entity_type(obj)} {getattr(obj, 'id', '')}"


def snapshot(obj: Any, *, created: bool) -> dict[str, list[Any]]:
    """Every column and many-to-many membership: [None, value], or [value, None] when removed."""
    state = inspect(obj)
    found = {}
    for attr in state.mapper.column_attrs:
        value = state.dict.get(attr.key)
        found[attr.key] = _pair(attr.key, None, value) if created else _pair(attr.key, value, None)
    for rel in _many_to_many(state.mapper):
        members = sorted(str(m) for m in state.dict.get(rel.key) or ())
        found[rel.key] = [[], members] if created else [members, []]
    return found


def row_snapshot(row: dict[str, Any], *, created: bool) -> dict[str, list[Any]]:
    """The same, for a database row read as a mapping (bulk statements have no objects)."""
    return {
        key: _pair(key, None, value) if created else _pair(key, value, None)
        for key, value in row.items()
    }


def row_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        key: _pair(key, before[key], after.get(key))
        for key in before
        if before[key] != after.get(key)
    }


def history_changes(obj: Any) -> dict[str, list[Any]]:
    """What this flush changes on ``obj``: columns from attribute history, plus tag membership."""
    state = inspect(obj)
    found = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if not history.added and not history.deleted:
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old != new:
            found[attr.key] = _pair(attr.key, old, new)
    for rel in _many_to_many(state.mapper):
        history = state.attrs[rel.key].history
        if history.added or history.deleted:
            kept = [str(m) for m in history.unchanged]
            found[rel.key] = [
                sorted(kept + [str(m) for m in history.deleted]),
                sorted(kept + [str(m) for m in history.added]),
            ]
    return found


def is_quiet(changes: dict[str, list[Any]]) -> bool:
    return set(changes) <= QUIET_FIELDS


def _many_to_many(mapper: Any) -> list[Any]:
    return [rel for rel in mapper.relationships if rel.secondary is not None]
