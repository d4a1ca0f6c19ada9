"""Who is acting and in which transaction, as the web layer and the CLI left it in session.info."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import scoped_session

from admin_app.columns import utc_now, uuid7

SYSTEM = "system"
_TXN_KEY = "audit_transaction"


def actor(session: Any) -> tuple[uuid.UUID | None, str]:
    """(operator id, name snapshot); ``system`` when nobody said who is acting."""
    who = session.info.get("actor") or {}
    raw_id = who.get("id")
    return (uuid.UUID(str(raw_id)) if raw_id else None, str(who.get("name") or SYSTEM)[:120])


def token_label(session: Any) -> str | None:
    """The label of the API token the actor signed this request with, if any."""
    label = (session.info.get("actor") or {}).get("token")
    return None if label is None else str(label)[:80]


def request_details(session: Any) -> tuple[str | None, str | None]:
    details = session.info.get("request") or {}
    return details.get("id"), details.get("remote_addr")


def transaction_id(session: Any) -> uuid.UUID:
    """One id per outermost transaction: every entry written together shares it."""
    if isinstance(session, scoped_session):
        session = session()
    root = session.get_transaction()
    saved = session.info.get(_TXN_KEY)
    # The object itself, not id(): ids of freed transactions are reused by later ones.
    if saved is None or saved[0] is not root:
        saved = (root, uuid7())
        session.info[_TXN_KEY] = saved
    return saved[1]  # type: ignore[no-any-return]


def entry_base(session: Any) -> dict[str, Any]:
    """The fields every entry of this flush shares: actor, request and transaction."""
    actor_id, actor_name = actor(session)
    request_id, remote_addr = request_details(session)
    return {
        "actor_id": actor_id,
        "actor_name": actor_name,
        "transaction_id": transaction_id(session),
        "request_id": request_id,
        "remote_addr": remote_addr,
        "token_label": token_label(session),
        "occurred_at": utc_now(),
    }


def entry_row(
    session: Any,
    action: str,
    *,
    entity_type: str,
    entity_id: Any,
    entity_repr: str,
    changes: dict[str, Any],
    base: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A ready-to-insert audit row; pass ``base`` when writing many rows at once."""
    return {
        **(base if base is not None else entry_base(session)),
        "id": uuid7(),
        "action": action,
        "entity_type": entity_type,
        "entity_id": None if entity_id is None else str(entity_id),
        "entity_repr": entity_repr[:255],
        "changes": changes,
    }
