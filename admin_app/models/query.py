"""What services accept as a session, and JSON pagination of an ORM select."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, scoped_session

# Services take a plain Session or Flask-SQLAlchemy's scoped db.session alike.
AnySession = Session | scoped_session[Any]


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
