"""Records under records of their own kind (a reply under a comment): no loops.

A record may not be placed under itself or under one of the records below it: no flush
could order the rows, and no page could show the thread. Shared by the console's form and
the API, so both refuse the same thing with the same words.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, select

from admin_app.models.naming import entity_type
from admin_app.models.query import AnySession


def loop_message(model: Any) -> str:
    return f"a {entity_type(model)} cannot be under itself or under one of its own replies"


def would_loop(session: AnySession, table: Table, column: str, record_id: Any, parent: Any) -> bool:
    """Whether ``parent`` is the record ``record_id`` or lies below it along ``column``."""
    seen: set[Any] = set()
    current = parent
    while current is not None and current not in seen:  # walks up to the root, once each
        if current == record_id:
            return True
        seen.add(current)
        current = session.scalar(select(table.c[column]).where(table.c.id == current))
    return False
