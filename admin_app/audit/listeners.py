"""Session listeners that write the trail in the same transaction as the change itself.

``after_flush`` sees the flush's new, dirty and deleted objects with their attribute history
still in place, and inserts the entries on the session's own connection: they commit or roll
back with the change. ORM bulk UPDATE/DELETE never reaches a flush, so ``do_orm_execute``
reads the affected rows around the statement and records them one by one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session

from admin_app.audit import changes as diff
from admin_app.audit.context import entry_base, entry_row
from admin_app.models import DOMAIN_MODELS, Action, ApiToken, AuditEntry, Operator
from admin_app.models.naming import entity_type, label, row_label
from admin_app.soft_delete import includes_deleted, with_deleted

AUDITED = (*DOMAIN_MODELS, Operator, ApiToken)
ACTION_OVERRIDE = "audit_action"  # session.info / execution option: name the action (revert, purge)


def is_audited(obj_or_class: Any) -> bool:
    cls = obj_or_class if isinstance(obj_or_class, type) else type(obj_or_class)
    return issubclass(cls, AUDITED)


def write(session: Any, rows: list[dict[str, Any]]) -> None:
    """Insert entries on the session's connection, inside its transaction."""
    if rows:
        session.connection().execute(insert(AuditEntry.__table__), rows)


_REPRS = "audit_reprs"
_BASE = "audit_entry_base"


def _remember_reprs(session: Session, flush_context: Any, instances: Any) -> None:
    # Names are taken before the flush: afterwards a trashed owner is hidden from lookups, and
    # "Profile of ada" would read "Profile".
    pending = (*session.new, *session.dirty, *session.deleted)
    session.info[_REPRS] = {id(obj): label(obj) for obj in pending if is_audited(obj)}


def _row(session: Session, action: str, obj: Any, changes: dict[str, Any]) -> dict[str, Any]:
    name = session.info.get(_REPRS, {}).get(id(obj)) or label(obj)
    return entry_row(
        session,
        action,
        entity_type=entity_type(obj),
        entity_id=obj.id,
        entity_repr=name,
        changes=changes,
        base=session.info[_BASE],
    )


def _update_action(session: Session, changes: dict[str, list[Any]]) -> str:
    override = session.info.get(ACTION_OVERRIDE)
    if override == Action.REVERT:
        return Action.REVERT  # an undo reads as one revert, its trashes and restores too
    if "deleted_at" in changes:
        return Action.SOFT_DELETE if changes["deleted_at"][0] is None else Action.RESTORE
    return str(override or Action.UPDATE)


def _after_flush(session: Session, flush_context: Any) -> None:
    session.info[_BASE] = entry_base(session)
    rows = [
        _row(session, Action.CREATE, obj, diff.snapshot(obj, created=True))
        for obj in session.new
        if is_audited(obj)
    ]
    for obj in session.dirty:
        if not is_audited(obj):
            continue
        changes = diff.history_changes(obj)
        if changes and not diff.is_quiet(changes):
            rows.append(_row(session, _update_action(session, changes), obj, changes))
    rows += [
        _row(session, Action.PURGE, obj, diff.snapshot(obj, created=False))
        for obj in session.deleted
        if is_audited(obj)
    ]
    write(session, rows)
    session.info.pop(_REPRS, None)
    session.info.pop(_BASE, None)


def _bulk_rows(state: ORMExecuteState, model: Any) -> list[dict[str, Any]]:
    """The rows a bulk statement is about to touch, read before it runs."""
    ids_stmt = select(model.id)
    where = getattr(state.statement, "whereclause", None)  # UPDATE and DELETE carry one
    if where is not None:
        ids_stmt = ids_stmt.where(where)
    # Through the session, so the ids are soft-delete scoped exactly like the statement.
    include = includes_deleted(state.execution_options)
    ids = list(state.session.scalars(with_deleted(ids_stmt, include)))
    return _read_rows(state.session, model, ids)


def _read_rows(session: Any, model: Any, ids: list[Any]) -> list[dict[str, Any]]:
    if not ids:
        return []
    table = model.__table__
    rows = session.connection().execute(select(table).where(table.c.id.in_(ids)))
    return [dict(row._mapping) for row in rows]


def _audit_bulk(state: ORMExecuteState) -> Any:
    if not (state.is_update or state.is_delete) or state.bind_mapper is None:
        return None
    model = state.bind_mapper.class_
    if not is_audited(model):
        return None
    before = _bulk_rows(state, model)
    result = state.invoke_statement()
    session = state.session
    if state.is_delete:
        action = state.execution_options.get(ACTION_OVERRIDE, Action.BULK_DELETE)
        rows = [
            entry_row(
                session,
                action,
                entity_type=entity_type(model),
                entity_id=row["id"],
                entity_repr=row_label(model, row),
                changes=diff.row_snapshot(row, created=False),
            )
            for row in before
        ]
    else:
        action = state.execution_options.get(ACTION_OVERRIDE, Action.BULK_UPDATE)
        rows = _bulk_update_rows(session, model, before, action)
    write(session, rows)
    return result


def _bulk_update_rows(
    session: Any, model: Any, before: list[dict[str, Any]], action: str
) -> list[dict[str, Any]]:
    after = {row["id"]: row for row in _read_rows(session, model, [r["id"] for r in before])}
    rows = []
    for old in before:
        changes = diff.row_diff(old, after.get(old["id"], {}))
        changes = {k: v for k, v in changes.items() if k not in diff.QUIET_FIELDS}
        if changes:
            rows.append(
                entry_row(
                    session,
                    action,
                    entity_type=entity_type(model),
                    entity_id=old["id"],
                    entity_repr=row_label(model, old),
                    changes=changes,
                )
            )
    return rows


def _track_old_values(mapper: Any, cls: Any) -> None:
    # active_history makes a set on an unloaded attribute load the old value first, so an
    # update entry never records "old: unknown".
    if not is_audited(cls):
        return
    for attr in inspect(cls).column_attrs:
        event.listen(getattr(cls, attr.key), "set", _noop, active_history=True)


def _noop(target: Any, value: Any, oldvalue: Any, initiator: Any) -> None:
    return None


def register() -> None:
    """Attach the listeners once; safe to call again."""
    if event.contains(Session, "after_flush", _after_flush):
        return
    event.listen(Session, "before_flush", _remember_reprs)
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "do_orm_execute", _audit_bulk)
    for model in AUDITED:
        _track_old_values(inspect(model), model)
