"""The list envelope's paging: ``?cursor=`` keyset pages with a ``links.next`` URL, and the
shallow ``?page=`` pages, which link onwards by cursor too."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import request, url_for

from admin_app.extensions import db
from admin_app.models.estimates import bounded_count
from admin_app.models.keyset import after, decode_cursor, encode_cursor
from admin_app.models.query import PaginationError


@dataclass(frozen=True)
class ApiSort:
    """``?sort=-created_at``: the raw parameter, the attribute that holds a row's value (a
    stored counter's for a counter hybrid), the column and its direction."""

    raw: str
    name: str
    column: Any
    descending: bool


def next_url(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    params: dict[str, Any] = dict(request.view_args or {})
    params |= {k: v for k, v in request.args.items() if k not in ("page", "cursor")}
    return url_for(request.endpoint or "", **params, cursor=cursor)


def cursor_after(rows: list[Any], sort: ApiSort | None) -> str | None:
    """The cursor that continues after the last of ``rows``, None without a keyset sort."""
    if not rows or sort is None:
        return None
    last = rows[-1]
    return encode_cursor(sort.raw, getattr(last, sort.name), last.id)


def _seek(model: Any, sort: ApiSort, cursor: str, coerce: Callable[[str], Any]) -> Any:
    """The rows after the one ``cursor`` names, in the list's sort."""
    value, row_id = decode_cursor(cursor, sort=sort.raw)
    try:
        key = uuid.UUID(row_id)
    except ValueError:
        raise PaginationError("cursor: not a cursor this API handed out") from None
    return after(
        sort.column,
        model.id,
        value=None if value is None else coerce(str(value)),
        row_id=key,
        descending=sort.descending,
        nulls_high=db.session.get_bind().dialect.name == "postgresql",
    )


def cursor_page(
    statement: Any,
    model: Any,
    sort: ApiSort,
    *,
    cursor: str,
    size: int,
    coerce: Callable[[str], Any],
    serialize: Callable[[Any], dict[str, Any]],
    settings: dict[str, Any],
    estimate_index: str | None = None,
) -> dict[str, Any]:
    """The ``size`` rows after ``cursor`` (the first page for an empty one), and the total
    (the planner's estimate from ``estimate_index`` above the count threshold)."""
    # The ids alone: an index answers the count, where whole rows were read (SQLite).
    total = bounded_count(
        db.session,
        statement.with_only_columns(model.id),
        threshold=settings["count_threshold"],
        estimate_index=estimate_index,
    )
    if cursor:
        statement = statement.where(_seek(model, sort, cursor, coerce))
    rows = list(db.session.scalars(statement.limit(size + 1)).unique())
    more, rows = len(rows) > size, rows[:size]
    following = cursor_after(rows, sort) if more else None
    return {
        "items": [serialize(row) for row in rows],
        "per_page": size,
        "total": int(total),
        "total_is_exact": total.is_exact,
        "next": next_url(following),
        "links": {"next": next_url(following)},
    }
