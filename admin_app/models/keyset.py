"""Keyset (seek) paging: the rows after a given row of a sort, read through the sort's index.

A cursor names the sort and the last row's sort value and id; the next page is the rows
after that pair, so a page a million rows deep costs what the first one does.
"""

from __future__ import annotations

import base64
import binascii
import json
import operator
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, tuple_

from admin_app.columns import to_json


class CursorError(ValueError):
    """A cursor that is not one this API handed out, or one for another sort."""


def encode_cursor(sort: str, value: Any, row_id: Any) -> str:
    payload = json.dumps([sort, to_json(value), str(row_id)], separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def named_sort(raw: str) -> str:
    """The sort a cursor names, unchecked; CursorError if it is not a cursor at all."""
    return str(_payload(raw)[0])


def _payload(raw: str) -> list[Any]:
    try:
        padded = raw + "=" * (-len(raw) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError, binascii.Error):
        raise CursorError("cursor: not a cursor this API handed out") from None
    if not isinstance(payload, list) or len(payload) != 3:
        raise CursorError("cursor: not a cursor this API handed out")
    return payload


def decode_cursor(raw: str, *, sort: str) -> tuple[Any, str]:
    """The (sort value as JSON, id as text) a cursor holds; CursorError if it is not ours."""
    named, value, row_id = _payload(raw)
    if named != sort:
        raise CursorError(f"cursor: it follows sort {str(named)[:40]!r}, not {sort!r}")
    return value, str(row_id)


def cursor_time(value: Any) -> datetime:
    """A cursor's timestamp; ValueError unless it is ISO 8601 with its offset, as ours are.

    Every time the app stores is in UTC and every cursor it makes says so: a time without an
    offset was written by hand, and the database column would refuse it (a 500, not a page).
    """
    found = datetime.fromisoformat(str(value))
    if found.tzinfo is None:
        raise ValueError("cursor: its time has no UTC offset")
    return found


def after(
    column: Any, id_column: Any, *, value: Any, row_id: Any, descending: bool, nulls_high: bool
) -> ColumnElement[bool]:
    """Rows that come after ``(value, row_id)`` in ``ORDER BY column, id`` (both one way).

    ``nulls_high``: the engine sorts NULL above every value (PostgreSQL), not below (SQLite).
    """
    later = operator.lt if descending else operator.gt
    nulls_after = nulls_high != descending
    if value is None:
        same = and_(column.is_(None), later(id_column, row_id))
        return or_(same, column.is_not(None)) if not nulls_after else same
    # A row comparison is one index range on both engines.
    seek = later(tuple_(column, id_column), tuple_(value, row_id))
    return or_(seek, column.is_(None)) if nulls_after else seek
