"""What services accept as a session, and JSON pagination of an ORM select."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session, scoped_session

from admin_app.models.estimates import ListCount, bounded_count

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


def _offset(page: int, size: int, max_offset_rows: int) -> int:
    offset = (page - 1) * size
    if offset > max_offset_rows:
        raise PaginationError(
            f"page {page} is too deep: ?page= reaches row {max_offset_rows:,}; "
            "follow the links.next URL (?cursor=) to read further"
        )
    return offset


def paginate_json(
    session: AnySession,
    statement: Select[Any],
    *,
    serialize: Callable[[Any], dict[str, Any]],
    page: str | int | None = None,
    per_page: str | int | None = None,
    default_per_page: int = 20,
    max_per_page: int = 100,
    count_threshold: int = 10_000,
    max_offset_rows: int = 10_000,
    estimate_index: str | None = None,
    counted: Select[Any] | None = None,
) -> dict[str, Any]:
    """Run one page of an ORM select and describe it as a JSON-ready dict.

    Raises PaginationError for a page or page size that is not a positive whole number, or
    a page that would skip more than ``max_offset_rows`` (deeper pages are keyset pages);
    ``per_page`` above ``max_per_page`` is capped, not refused. The total is exact up to
    ``count_threshold``, estimated above it (see estimates.bounded_count). ``counted``: the
    same rows selecting less (their ids), for the count to read an index instead of rows.
    """
    page_no = parse_positive("page", page, 1)
    size = min(parse_positive("per_page", per_page, default_per_page), max_per_page)
    offset = _offset(page_no, size, max_offset_rows)
    total = bounded_count(
        session,
        statement if counted is None else counted,
        threshold=count_threshold,
        estimate_index=estimate_index,
    )
    # A page past the end is empty; skipping the query also keeps huge offsets from the driver.
    past_end = total.is_exact and offset >= total
    rows: Any = [] if past_end else session.scalars(statement.limit(size).offset(offset)).unique()
    return {"items": [serialize(row) for row in rows]} | _numbers(page_no, size, total)


def _numbers(page_no: int, size: int, total: ListCount) -> dict[str, Any]:
    pages = max(1, math.ceil(total / size))
    return {
        "page": page_no,
        "per_page": size,
        "total": int(total),
        "total_is_exact": total.is_exact,
        "pages": pages,
        "next": page_no + 1 if page_no < pages else None,
        "prev": page_no - 1 if page_no > 1 else None,
    }
