"""Undo a whole transaction in one new one: updates set back, creates trashed, trashes restored.

Above both services it combines: the audit trail says what a transaction did, the trash
service moves records. Never commits; the caller commits the undo and its entries together.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from admin_app.audit.revert import (
    MODELS,
    REVERTIBLE,
    RevertError,
    assign_field,
    flush_as_revert,
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
    if entry.action in REVERTIBLE:
        try:
            revert = plan_revert(session, entry)
        except RevertError as exc:
            plan.problems.append(f"{entry.entity_type} {entry.entity_repr}: {exc}")
            return
        plan.steps.append(UndoStep(entry, "revert", revert.record, revert.fields, revert.conflicts))
        return
    if entry.action in (Action.PURGE, Action.BULK_DELETE):
        plan.problems.append(f"{entry.entity_type} {entry.entity_repr} was purged for good")
        return
    if entry.action not in (Action.CREATE, Action.SOFT_DELETE, Action.RESTORE):
        return  # sign-ins, exports: nothing to undo
    model = MODELS.get(entry.entity_type)
    record = load_record(session, model, entry.entity_id) if model else None
    if record is None or not isinstance(record, SoftDeleteMixin):
        plan.problems.append(f"{entry.entity_type} {entry.entity_repr} cannot be taken back")
        return
    wanted = "restore" if entry.action == Action.SOFT_DELETE else "trash"
    if (record.deleted_at is None) == (wanted == "trash"):
        plan.steps.append(UndoStep(entry, wanted, record))
    else:
        plan.skipped.append(f"{entry.entity_type} {entry.entity_repr}")


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
    _apply_reverts(session, [s for s in plan.steps if s.kind == "revert"])
    batches = {s.record.delete_batch for s in plan.steps if s.kind == "restore"}
    if batches:
        try:
            restore(session, sorted(batches))
        except RestoreBlocked as exc:
            raise UndoError(str(exc)) from exc
    created = [s.record for s in plan.steps if s.kind == "trash"]
    if created:
        soft_delete(session, created, actor_id=actor_id)
    return plan


def _apply_reverts(session: Any, steps: list[UndoStep]) -> None:
    for step in steps:
        for name, _, old in step.fields:
            assign_field(session, step.record, name, old)
    flush_as_revert(session)
