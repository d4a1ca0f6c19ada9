"""Which rows a console page shows, read through the sort index at any depth.

- The pager's links to nearby pages (next, previous, a few either way) carry a cursor: the
  first or last row of the page they were made on (its sort value and id). Such a page is
  the rows after (or before) that row, skipping at most a few pages: a seek, never a long
  OFFSET, so walking page by page costs the same a million rows deep.
- The last page is the first page of the reversed sort, read backwards, at any depth.
- A page number without a cursor is cut with OFFSET within ``lists.max_offset_rows``; a jump
  deeper than that is refused with a message that says what to do instead.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import current_app, flash, g, request
from sqlalchemy.types import TypeDecorator

from admin_app.config import settings_of
from admin_app.extensions import db
from admin_app.models.keyset import (
    CursorError,
    after,
    cursor_time,
    decode_cursor,
    encode_cursor,
    named_sort,
)

AFTER, BEFORE = "after", "before"  # the query-string names of a pager link's cursor
NEAR_PAGES = 5  # a cursor link reaches this many pages either way (OFFSET of 4 pages at most)
_EDGE = "console_page_edge"  # flask.g: the page just chosen, for the pager's links


def max_offset_rows() -> int:
    return int(settings_of(current_app)["lists"]["max_offset_rows"])


@dataclass(frozen=True)
class SortKey:
    """The list's sort as a keyset: its name in cursors, its expression and direction."""

    name: str
    column: Any
    descending: bool


@dataclass(frozen=True)
class PageEdge:
    """The page a request showed: its number and cursors at its first and last rows."""

    page: int
    first: str
    last: str


def page_ids(
    model: Any,
    query: Any,
    *,
    page: int,
    size: int,
    count: int | None,
    reversed_query: Callable[[], Any] | None,
    key: SortKey | None = None,
) -> list[Any]:
    """The ids of page ``page`` (0-based) of ``query``, in its order; see the module."""
    if not size:
        return [row[0] for row in query.with_entities(model.id)]
    rows = _rows(
        model, query, page=page, size=size, count=count, reversed_query=reversed_query, key=key
    )
    if key is not None and rows:
        first, last = rows[0], rows[-1]
        g.setdefault(_EDGE, PageEdge(page, _encode(key, page, first), _encode(key, page, last)))
    return [row[0] for row in rows]


def _rows(
    model: Any,
    query: Any,
    *,
    page: int,
    size: int,
    count: int | None,
    reversed_query: Callable[[], Any] | None,
    key: SortKey | None,
) -> list[Any]:
    entities = (model.id,) if key is None else (model.id, key.column)
    sought = _sought(model, query, reversed_query, page=page, size=size, key=key)
    if sought is not None:
        return sought
    if page * size <= max_offset_rows():
        return list(query.with_entities(*entities).limit(size).offset(page * size))
    if reversed_query is not None and count is not None and page >= math.ceil(count / size) - 1:
        # An exact count knows how many rows the last page holds; an estimate shows a full one.
        held = count - page * size if getattr(count, "is_exact", False) else size
        backwards = reversed_query().with_entities(*entities).limit(min(size, max(1, held)))
        return list(backwards)[::-1]
    flash(
        f"Page {page + 1:,} is too deep to open directly: page numbers reach the first "
        f"{max_offset_rows() // size:,} pages, and from any page the pager goes on "
        f"{NEAR_PAGES} pages either way. Open the last page, reverse the sort, or narrow "
        "the list with a search or a filter.",
        "error",
    )
    return []


def _sought(
    model: Any,
    query: Any,
    reversed_query: Callable[[], Any] | None,
    *,
    page: int,
    size: int,
    key: SortKey | None,
) -> list[Any] | None:
    """The page through a pager link's cursor; None without a usable one."""
    found = _cursor(key)
    if found is None or key is None:
        return None
    direction, anchor, value, row_id = found
    distance = page - anchor if direction == AFTER else anchor - page
    if not 1 <= distance <= NEAR_PAGES:
        return None
    forwards = direction == AFTER
    if not forwards and reversed_query is None:
        return None
    base = query if forwards else reversed_query()  # type: ignore[misc]
    seek = after(
        key.column,
        model.id,
        value=value,
        row_id=row_id,
        descending=key.descending if forwards else not key.descending,
        nulls_high=_nulls_high(),
    )
    # At most NEAR_PAGES - 1 pages skipped past the cursor: a short OFFSET at any depth.
    skipped = (distance - 1) * size
    rows = list(base.filter(seek).with_entities(model.id, key.column).limit(size).offset(skipped))
    return rows if forwards else rows[::-1]


def _nulls_high() -> bool:
    # PostgreSQL sorts NULL above every value, SQLite below.
    return bool(db.session.get_bind().dialect.name == "postgresql")


def _encode(key: SortKey, page: int, row: Any) -> str:
    return encode_cursor(f"{key.name}@{page}", row[1], row[0])


def _cursor(key: SortKey | None) -> tuple[str, int, Any, uuid.UUID] | None:
    """The request's cursor for this sort: (direction, page it was made on, value, id)."""
    if key is None:
        return None
    for direction in (AFTER, BEFORE):
        raw = request.args.get(direction)
        if not raw:
            continue
        try:
            sort, _, anchor = named_sort(raw).rpartition("@")
            if sort != key.name:
                return None  # a link made for another sort: number it afresh
            value, row_id = decode_cursor(raw, sort=f"{sort}@{anchor}")
            return direction, int(anchor), _coerced(key.column, value), uuid.UUID(row_id)
        except (CursorError, ValueError, TypeError):
            return None
    return None


def _coerced(column: Any, value: Any) -> Any:
    """A cursor's JSON value back as the column's Python type."""
    if value is None:
        return None
    python_type = _python_type(column.type)
    if python_type is datetime:
        return cursor_time(value)
    if python_type is date:
        return date.fromisoformat(value)
    if python_type is uuid.UUID:
        return uuid.UUID(value)
    if python_type in (int, float, str, bool):
        return python_type(value)
    return value


def _python_type(sql_type: Any) -> Any:
    # A TypeDecorator may not say (UTCDateTime answers object): ask what it wraps.
    try:
        found = sql_type.python_type
    except (NotImplementedError, AttributeError):
        found = object
    if found is object and isinstance(sql_type, TypeDecorator):
        return _python_type(sql_type.impl_instance)
    return found


def link_cursor(page: int | None) -> dict[str, str]:
    """The cursor argument for a pager link to ``page``, made from the page just shown."""
    edge: PageEdge | None = g.get(_EDGE)
    target = page or 0
    if edge is None or target == edge.page or abs(target - edge.page) > NEAR_PAGES:
        return {}
    return {AFTER: edge.last} if target > edge.page else {BEFORE: edge.first}
