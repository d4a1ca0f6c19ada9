"""Soft-delete scoping for every ORM read, the scope helpers, and JSON pagination."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Select, event, func, select
from sqlalchemy.orm import ORMExecuteState, Session, scoped_session, with_loader_criteria

from admin_app.models.mixins import SoftDeleteMixin

INCLUDE_DELETED = "include_deleted"
S = TypeVar("S", bound=Select)  # type: ignore[type-arg]  # any row shape
# Services take a plain Session or Flask-SQLAlchemy's scoped db.session alike.
AnySession = Session | scoped_session[Any]


@event.listens_for(Session, "do_orm_execute")
def _hide_soft_deleted(state: ORMExecuteState) -> None:
    """Add ``deleted_at IS NULL`` for every soft-deletable entity, subqueries and joins included.

    Relationship and column loads are scoped too, so an object loaded with ``include_deleted``
    still sees only live children. ORM bulk UPDATE/DELETE is scoped the same way: a bulk
    change never touches trashed rows unless the statement asks for them.
    """
    if state.execution_options.get(INCLUDE_DELETED, False):
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


def active(statement: S, model: type[SoftDeleteMixin]) -> S:
    """Restrict a statement to live rows explicitly; also right for Core statements."""
    return statement.where(model.deleted_at.is_(None))


def with_deleted(statement: S) -> S:
    """Let a statement see trashed rows as well as live ones."""
    return statement.execution_options(**{INCLUDE_DELETED: True})


def only_deleted(statement: S, model: type[SoftDeleteMixin]) -> S:
    """Restrict a statement to trashed rows."""
    return with_deleted(statement).where(model.deleted_at.is_not(None))


class PaginationError(ValueError):
    """A page or page size that is not a positive whole number."""


def parse_positive(name: str, raw: str | int | None, default: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise PaginationError(f"{name} must be a whole number, got {str(raw)[:40]!r}") from None
    if value < 1:
        raise PaginationError(f"{name} must be 1 or more, got {value}")
    return value


def paginate_json(
    session: AnySession,
    statement: Select[Any],
    *,
    serialize: Callable[[Any], dict[str, Any]],
    page: str | int | None = None,
    per_page: str | int | None = None,
    default_per_page: int = 20,
    max_per_page: int = 100,
) -> dict[str, Any]:
    """Run one page of an ORM select and describe it as a JSON-ready dict.

    Raises PaginationError for a page or page size that is not a positive whole number;
    ``per_page`` above ``max_per_page`` is capped, not refused.
    """
    page_no = parse_positive("page", page, 1)
    size = min(parse_positive("per_page", per_page, default_per_page), max_per_page)
    count_stmt = select(func.count()).select_from(statement.order_by(None).subquery())
    total = session.execute(count_stmt).scalar_one()
    offset = (page_no - 1) * size
    # A page past the end is empty; skipping the query also keeps huge offsets from the driver.
    rows = (
        session.scalars(statement.limit(size).offset(offset)).unique().all()
        if offset < total
        else []
    )
    pages = max(1, math.ceil(total / size))
    return {
        "items": [serialize(row) for row in rows],
        "page": page_no,
        "per_page": size,
        "total": total,
        "pages": pages,
        "next": page_no + 1 if page_no < pages else None,
        "prev": page_no - 1 if page_no > 1 else None,
    }
