"""Undo a whole transaction in one new one: updates set back, creates trashed, trashes restored.

Above both services it combines: the audit trail says what a transaction did, the trash
service moves records. Never commits; the caller commits the undo and its entries together.

The undo reads as one revert in the trail: every entry it writes has the action ``revert``
(a record it trashes or restores shows ``deleted_at``, ``delete_batch`` and ``deleted_by``
changing in its diff, and keeps its trash state, so the recycle bin restores it as usual),
and one more entry about the transaction itself names the transaction it takes back.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from admin_app.audit import ACTION_OVERRIDE
from admin_app.audit.records import record as write_entry
from admin_app.audit.revert import (
    MODELS,
    REVERTIBLE,
    UNDO_ENTITY,
    RevertError,
    assign_field,
    load_record,
    plan_revert,
)
from admin_app.models import Action, AuditEntry
from admin_app.soft_delete import SoftDeleteMixin
from admin_app.trash import RestoreBlocked, restore, soft_delete


class UndoError(ValueError):
    """The transaction cannot be undone (or not without overwriting); the message says why."""


@dataclass
class UndoStep:
    """What undoing one entry does: ``revert`` fields, ``trash`` or ``restore`` the record."""

    entry: AuditEntry
    kind: str
    record: Any
    fields: list[tuple[str, Any, Any]] = field(default_factory=list)  # (name, now, undone)
    conflicts: list[str] = field(default_factory=list)  # changed again since


@dataclass
class UndoPlan:
    transaction_id: uuid.UUID
    steps: list[UndoStep] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # why it cannot be undone at all
    skipped: list[str] = field(default_factory=list)  # already undone by later changes

    @property
    def conflicts(self) -> list[tuple[UndoStep, str]]:
        return [(step, name) for step in self.steps for name in step.conflicts]


def plan_undo(session: Any, transaction_id: uuid.UUID) -> UndoPlan:
    """Say what undoing the transaction would do, newest entry first; change nothing."""
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.transaction_id == transaction_id)
        .order_by(AuditEntry.id.desc())
    )
    plan = UndoPlan(transaction_id)
    for entry in session.scalars(stmt):
        _plan_entry(session, plan, entry)
    if not plan.steps and not plan.problems:
        plan.problems.append("nothing in it can be undone")
    return plan


def _plan_entry(session: Any, plan: UndoPlan, entry: AuditEntry) -> None:
    if entry.entity_type == UNDO_ENTITY:
        return  # an earlier undo's own entry: the entries beside it say what it did
    if entry.action in (Action.PURGE, Action.BULK_DELETE):
        plan.problems.append(f"{entry.entity_type} {entry.entity_repr} was purged for good")
        return
    wanted = _trash_move(entry)
    if wanted is None and entry.action in REVERTIBLE:
        try:
            revert = plan_revert(session, entry)
        except RevertError as exc:
            plan.problems.append(f"{entry.entity_type} {entry.entity_repr}: {exc}")
            return
        plan.steps.append(UndoStep(entry, "revert", revert.record, revert.fields, revert.conflicts))
        return
    if wanted is None:
        return  # sign-ins, exports: nothing to undo
    model = MODELS.get(entry.entity_type)
    record = load_record(session, model, entry.entity_id) if model else None
    if record is None or not isinstance(record, SoftDeleteMixin):
        plan.problems.append(f"{entry.entity_type} {entry.entity_repr} cannot be taken back")
        return
    if (record.deleted_at is None) == (wanted == "trash"):
        plan.steps.append(UndoStep(entry, wanted, record))
    else:
        plan.skipped.append(f"{entry.entity_type} {entry.entity_repr}")


def _trash_move(entry: AuditEntry) -> str | None:
    """What undoing the entry does to the record's trash state: ``trash``, ``restore`` or None.

    Read from the diff, not the action name, so an earlier undo's entries (all ``revert``)
    that trashed or restored records are taken back too.
    """
    if entry.action == Action.CREATE:
        return "trash"
    moved = (entry.changes or {}).get("deleted_at")
    if entry.action not in (Action.SOFT_DELETE, Action.RESTORE, *REVERTIBLE) or moved is None:
        return None
    return "restore" if moved[0] is None else "trash"


def undo(
    session: Any,
    transaction_id: uuid.UUID,
    *,
    actor_id: uuid.UUID | None = None,
    overwrite_later_changes: bool = False,
) -> UndoPlan:
    """Undo the transaction; flush. Raises UndoError and changes nothing when it cannot."""
    plan = plan_undo(session, transaction_id)
    if plan.problems:
        raise UndoError("; ".join(plan.problems))
    if plan.conflicts and not overwrite_later_changes:
        names = sorted({f"{step.entry.entity_repr}.{name}" for step, name in plan.conflicts})
        raise UndoError("changed since: " + ", ".join(names))
    with _recorded_as_revert(session):
        _apply(session, plan, actor_id)
        write_entry(
            session,
            Action.REVERT,
            entity_type=UNDO_ENTITY,
            entity_repr=f"undo of transaction …{str(transaction_id)[-8:]}",
            changes={"reverts_transaction": [None, str(transaction_id)]},
        )
    return plan


def _apply(session: Any, plan: UndoPlan, actor_id: uuid.UUID | None) -> None:
    for step in plan.steps:
        if step.kind == "revert":
            for name, _, old in step.fields:
                assign_field(session, step.record, name, old)
    session.flush()
    batches = {s.record.delete_batch for s in plan.steps if s.kind == "restore"}
    if batches:
        try:
            restore(session, sorted(batches))
        except RestoreBlocked as exc:
            raise UndoError(str(exc)) from exc
    created = [s.record for s in plan.steps if s.kind == "trash"]
    if created:
        soft_delete(session, created, actor_id=actor_id)


@contextmanager
def _recorded_as_revert(session: Any) -> Iterator[None]:
    """Every entry the flushes inside write reads ``revert``, trash moves included."""
    session.info[ACTION_OVERRIDE] = Action.REVERT
    try:
        yield
    finally:
        session.info.pop(ACTION_OVERRIDE, None)
