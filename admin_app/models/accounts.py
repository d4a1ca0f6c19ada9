"""Rules every change to an operator obeys, whoever makes it: console, CLI or API.

A new password, a new role or deactivation ends that operator's sessions, and the last
active admin can never be demoted, deactivated or removed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import Session

from admin_app.models.operators import Operator, Role

# A change to any of these makes the sessions issued before it worthless.
ENDS_SESSIONS = ("password_hash", "role", "is_active")
# What an admin manages; a change to any of these moves the operator's version.
MANAGED = ("username", *ENDS_SESSIONS)
_ADMIN_LOST = "admin_lost"


class LastAdminError(ValueError):
    """The change would leave no active admin to manage the console."""

    def __init__(self) -> None:
        super().__init__("The last active admin cannot be demoted, deactivated or removed.")


def select_active_admins() -> Any:
    return (
        select(func.count())
        .select_from(Operator)
        .where(Operator.role == Role.ADMIN.value, Operator.is_active.is_(True))
    )


def _changed(operator: Operator, names: tuple[str, ...]) -> bool:
    state: Any = inspect(operator)
    return any(state.attrs[name].history.has_changes() for name in names)


def _was_active_admin(operator: Operator) -> bool:
    state: Any = inspect(operator)

    def before(name: str) -> Any:
        history = state.attrs[name].history
        return history.deleted[0] if history.deleted else getattr(operator, name)

    return bool(before("role") == Role.ADMIN.value and before("is_active"))


def _end_sessions_on_change(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in session.dirty:
        if isinstance(obj, Operator) and _changed(obj, ENDS_SESSIONS):
            obj.end_sessions()


def _count_managed_changes(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in session.dirty:
        if isinstance(obj, Operator) and _changed(obj, MANAGED):
            obj.version = (obj.version or 1) + 1


def _note_admin_losses(session: Session, flush_context: Any, instances: Any) -> None:
    dirty = [o for o in session.dirty if isinstance(o, Operator) and _changed(o, ENDS_SESSIONS)]
    removed = [o for o in session.deleted if isinstance(o, Operator)]
    if any(_was_active_admin(o) for o in (*dirty, *removed)):
        session.info[_ADMIN_LOST] = True


def _keep_an_admin(session: Session) -> None:
    # Checked at commit, not per flush: an autoflush may carry half of a hand-over (the old
    # admin demoted, the new one not yet promoted).
    session.flush()  # before_commit runs before the commit's own flush; a clean one is free
    if session.info.pop(_ADMIN_LOST, False) and not session.scalar(select_active_admins()):
        raise LastAdminError


def _forget_losses(session: Session, *args: Any) -> None:
    session.info.pop(_ADMIN_LOST, None)


def register() -> None:
    """Attach the listeners once; safe to call again."""
    for name, listener in (
        ("before_flush", _end_sessions_on_change),
        ("before_flush", _note_admin_losses),
        ("before_flush", _count_managed_changes),
        ("before_commit", _keep_an_admin),
        ("after_rollback", _forget_losses),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
