"""Entries that no flush produces: sign-in, sign-out, failed sign-in, export, prune."""

from __future__ import annotations

from typing import Any

from admin_app.audit.context import entry_row
from admin_app.audit.listeners import write


def record(
    session: Any,
    action: str,
    *,
    entity_type: str,
    entity_id: Any = None,
    entity_repr: str = "",
    changes: dict[str, Any] | None = None,
) -> None:
    """Add one entry in the session's transaction; it commits with the caller's commit."""
    write(
        session,
        [
            entry_row(
                session,
                action,
                entity_type=entity_type,
                entity_id=entity_id,
                entity_repr=entity_repr,
                changes=changes or {},
            )
        ],
    )
