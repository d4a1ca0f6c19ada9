"""Which rows a console page shows: OFFSET for shallow pages, the last page read backwards
through the sort index, and a clear refusal for a jump deep into a big list."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from flask import current_app, flash

from admin_app.config import settings_of


def max_offset_rows() -> int:
    return int(settings_of(current_app)["lists"]["max_offset_rows"])


def page_ids(
    model: Any,
    query: Any,
    *,
    page: int,
    size: int,
    count: int | None,
    reversed_query: Callable[[], Any] | None,
) -> list[Any]:
    """The ids of page ``page`` (0-based) of ``query``, in its order.

    A page within ``max_offset_rows`` is cut with OFFSET. The last page is the first page of
    the reversed sort, read backwards, at any depth. Any other deep page is refused with a
    flash: skipping a million rows would read a million rows.
    """
    ids = query.with_entities(model.id)
    if not size:
        return [row[0] for row in ids]
    if page * size <= max_offset_rows():
        return [row[0] for row in ids.limit(size).offset(page * size)]
    last = count is not None and page >= math.ceil(count / size) - 1
    if last and reversed_query is not None:
        backwards = reversed_query().with_entities(model.id).limit(size)
        return [row[0] for row in backwards][::-1]
    flash(
        f"Page {page + 1:,} is too deep to open directly: page numbers reach the first "
        f"{max_offset_rows() // size:,} pages. Open the last page, reverse the sort, or narrow "
        "the list with a search or a filter.",
        "error",
    )
    return []
