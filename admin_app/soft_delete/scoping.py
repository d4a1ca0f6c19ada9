"""The global scoping listener and the helpers that scope one statement on purpose."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from admin_app.soft_delete.mixin import SoftDeleteMixin

# The execution option that lets one statement (or Session.get) see trashed rows.
INCLUDE_DELETED = "include_deleted"
SelectT = TypeVar("SelectT", bound=Select)  # type: ignore[type-arg]  # any row shape
# A Select, a legacy ORM Query (Flask-Admin's), or any statement that takes execution options.
S = TypeVar("S")


def _hide_soft_deleted(state: ORMExecuteState) -> None:
    """Add ``deleted_at IS NULL`` for every soft-deletable entity, subqueries and joins included.

    Relationship and column loads are scoped too, so an object loaded with ``include_deleted``
    still sees only live children. ORM bulk UPDATE/DELETE is scoped the same way: a bulk
    change never touches trashed rows unless the statement asks for them.
    """
    if includes_deleted(state.execution_options):
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    state.statement = state.statement.options(
        with_loader_criteria(
            SoftDeleteMixin,
            lambda cls: cls.deleted_at.is_(None),
            include_aliases=True,
        )
    )


def register() -> None:
    """Scope every ORM statement of every session; safe to call again.

    Register before other ``do_orm_execute`` listeners (the audit's), so they see the
    statement as it will run.
    """
    if not event.contains(Session, "do_orm_execute", _hide_soft_deleted):
        event.listen(Session, "do_orm_execute", _hide_soft_deleted)


def includes_deleted(options: Any) -> bool:
    """Whether these execution options ask to see trashed rows."""
    return bool((options or {}).get(INCLUDE_DELETED, False))


def active(statement: SelectT, model: type[SoftDeleteMixin]) -> SelectT:
    """Restrict a statement to live rows explicitly; also right for Core statements."""
    return statement.where(model.deleted_at.is_(None))


def with_deleted(statement: S, include: bool = True) -> S:
    """Let a statement (or ORM query) see trashed rows as well as live ones."""
    return statement.execution_options(**{INCLUDE_DELETED: include})  # type: ignore[attr-defined, no-any-return]


def only_deleted(statement: SelectT, model: type[SoftDeleteMixin]) -> SelectT:
    """Restrict a statement to trashed rows."""
    return with_deleted(statement).where(model.deleted_at.is_not(None))


def get_with_deleted(session: Any, model: Any, key: Any) -> Any:
    """``Session.get`` that also finds a trashed row."""
    return session.get(model, key, execution_options={INCLUDE_DELETED: True})
