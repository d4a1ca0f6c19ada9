"""Turn ORM objects and their attribute history into JSON-ready ``{field: [old, new]}`` diffs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm.base import NO_VALUE

from admin_app.columns import to_json
from admin_app.models.counters import STORED_VALUES

# Never written to the trail, in any form: the entry says the field changed, not to what.
REDACTED_FIELDS = frozenset(
    {
        "password_hash",
        "password",
        "secret",
        "token",
        "api_key",
        "totp_secret",
        "recovery_codes",
        "token_hash",
    }
)
REDACTED = "[redacted]"
# Changes to these alone are bookkeeping, not something an operator did.
QUIET_FIELDS = frozenset({"updated_at", "last_login_at"})
# Never in a diff: the session epoch only counts (sign-outs have entries of their own), and
# the optimistic-concurrency counter moves on every write: it is how, never what, a row changed.
# Nor what database triggers keep from other rows (stored counters, by attribute and column).
UNRECORDED_FIELDS = frozenset(
    {"session_epoch", "totp_last_step", "version"}
    | {value.attribute for value in STORED_VALUES}
    | {value.column.name for value in STORED_VALUES}
)


def _pair(key: str, old: Any, new: Any) -> list[Any]:
    if key in REDACTED_FIELDS:
        return [REDACTED, REDACTED]
    return [to_json(old), to_json(new)]


def snapshot(obj: Any, *, created: bool) -> dict[str, list[Any]]:
    """Every column and many-to-many membership: [None, value], or [value, None] when removed."""
    state = inspect(obj)
    found = {}
    for attr in state.mapper.column_attrs:
        value = state.dict.get(attr.key)
        if (created and value is None) or attr.key in UNRECORDED_FIELDS:
            continue  # "∅ → ∅" says nothing; a purge snapshot keeps every field
        found[attr.key] = _pair(attr.key, None, value) if created else _pair(attr.key, value, None)
    for key in _many_to_many(state.mapper):
        members = sorted(str(m) for m in state.dict.get(key) or ())
        if created and not members:
            continue  # "[] → []" on every new record is noise
        found[key] = [[], members] if created else [members, []]
    return found


def row_snapshot(row: dict[str, Any], *, created: bool) -> dict[str, list[Any]]:
    """The same, for a database row read as a mapping (bulk statements have no objects)."""
    return {
        key: _pair(key, None, value) if created else _pair(key, value, None)
        for key, value in row.items()
        if key not in UNRECORDED_FIELDS
    }


def row_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        key: _pair(key, before[key], after.get(key))
        for key in before
        if before[key] != after.get(key) and key not in UNRECORDED_FIELDS
    }


def history_changes(obj: Any) -> dict[str, list[Any]]:
    """What this flush changes on ``obj``: columns and tag membership, as [old, new].

    ``committed_state`` holds the original value of every attribute touched since load (the
    audit set listeners use active_history, so it is loaded, never missing); reading it
    directly is several times cheaper than building attribute History objects.
    """
    state = inspect(obj)
    found = {}
    columns, many = state.mapper.column_attrs, _many_to_many(state.mapper)
    for key, old in list(state.committed_state.items()):
        if key in columns and key not in UNRECORDED_FIELDS:
            before = None if old is NO_VALUE else old
            after = state.dict.get(key)
            if before != after:
                found[key] = _pair(key, before, after)
        elif key in many:
            found.update(_membership(state, key))
    return found


def _membership(state: Any, key: str) -> dict[str, list[Any]]:
    history = state.attrs[key].history
    if not history.added and not history.deleted:
        return {}
    kept = [str(m) for m in history.unchanged]
    return {
        key: [
            sorted(kept + [str(m) for m in history.deleted]),
            sorted(kept + [str(m) for m in history.added]),
        ]
    }


def is_quiet(changes: dict[str, list[Any]]) -> bool:
    return set(changes) <= QUIET_FIELDS


def _many_to_many(mapper: Any) -> dict[str, Any]:
    return {rel.key: rel for rel in mapper.relationships if rel.secondary is not None}
