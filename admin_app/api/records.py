"""Finding one record for the API, its JSON form, and its ETag (the version column)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import request, url_for
from sqlalchemy import inspect, select

from admin_app.api.problems import ApiProblem
from admin_app.audit import since
from admin_app.columns import to_json
from admin_app.extensions import db
from admin_app.models import DOMAIN_MODELS, AuditEntry
from admin_app.models.counters import STORED_VALUES
from admin_app.soft_delete import get_with_deleted

MODELS = {model.__tablename__: model for model in DOMAIN_MODELS}
HIDDEN = {"delete_batch", "deleted_at", "deleted_by"} | {v.attribute for v in STORED_VALUES}
# Values the API shows beside the columns: read-only, from stored counters where kept.
EXTRA: dict[str, dict[str, str]] = {
    "users": {"full_name": "full_name", "post_count": "stored_post_count"},
    "posts": {"comment_count": "stored_comment_count", "reading_minutes": "stored_reading_minutes"},
    "tags": {"post_count": "stored_post_count"},
    "comments": {"reply_count": "stored_reply_count"},
    "tasks": {"is_overdue": "is_overdue"},
}


def model_for(name: str) -> Any:
    model = MODELS.get(name)
    if model is None:
        raise ApiProblem(404, f"no such resource {name!r}; try one of {sorted(MODELS)}")
    return model


def columns(model: Any) -> dict[str, Any]:
    return {c.key: c for c in inspect(model).column_attrs if c.key not in HIDDEN}


def serialize(record: Any) -> dict[str, Any]:
    name = type(record).__tablename__
    found = {key: to_json(getattr(record, key)) for key in columns(type(record))}
    found |= {key: to_json(getattr(record, attr)) for key, attr in EXTRA.get(name, {}).items()}
    if name == "posts":
        found["tag_ids"] = [str(tag.id) for tag in record.tags]
    return found


def _key(entity_id: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(entity_id)
    except ValueError:
        return None


def key_of(model: Any, entity_id: str) -> uuid.UUID:
    key = _key(entity_id)
    if key is None:
        raise ApiProblem(404, f"no {model.__tablename__[:-1]} with id {entity_id[:40]!r}")
    return key


def live_record(model: Any, entity_id: str) -> Any:
    """The live record with this id; 404 when there is none or it is in the trash."""
    key = _key(entity_id)
    record = (
        None if key is None else db.session.scalars(select(model).where(model.id == key)).first()
    )
    if record is None:
        raise ApiProblem(404, f"no live {model.__tablename__[:-1]} with id {entity_id[:40]!r}")
    return record


def any_record(model: Any, entity_id: str) -> Any:
    """The record with this id, live or trashed; 404 when there is none."""
    key = _key(entity_id)
    record = None if key is None else get_with_deleted(db.session, model, key)
    if record is None:
        raise ApiProblem(404, f"no {model.__tablename__[:-1]} with id {entity_id[:40]!r}")
    return record


def trashed_record(model: Any, entity_id: str) -> Any:
    """The record with this id while it is in the trash; 404 when there is none or it is live."""
    key = _key(entity_id)
    record = None if key is None else get_with_deleted(db.session, model, key)
    if record is None or record.deleted_at is None:
        raise ApiProblem(
            404, f"no {model.__tablename__[:-1]} in the trash with id {entity_id[:40]!r}"
        )
    return record


def location(record: Any) -> str:
    """Where a GET reads the record: with ``?trashed=only`` while it is in the trash."""
    values: dict[str, Any] = {"model_name": type(record).__tablename__, "entity_id": str(record.id)}
    if record.deleted_at is not None:
        values["trashed"] = "only"
    return url_for("api.show_record", **values)


def restore_link(record: Any) -> dict[str, str]:
    """The restore action for a trashed record, with the method it takes."""
    href = url_for(
        "api.restore_record", model_name=type(record).__tablename__, entity_id=str(record.id)
    )
    return {"href": href, "method": "POST"}


def etag(record: Any) -> str:
    return f'"{record.version}"'


def check_if_match(record: Any) -> None:
    """428 without ``If-Match``; 412 when it names another version than the record's."""
    header = request.headers.get("If-Match")
    if header is None:
        raise ApiProblem(428, "send If-Match with the ETag you read, so no change is lost")
    # If-Match compares strongly (RFC 9110, 13.1.1): a weak tag never matches our strong ones.
    tags = {tag.strip() for tag in header.split(",")}
    if "*" in tags or etag(record) in tags:
        return
    entries = since.changes_since(db.session, record, _seen_version(tags, record))
    who = "; ".join(since.describe(entry) for entry in entries) or "someone"
    raise ApiProblem(
        412,
        f"the record is at version {record.version}, not the one you sent ({header[:40]}): "
        f"since you read it, {who} changed it; nothing was changed",
        current_etag=etag(record),
        changes=[_change(entry) for entry in entries],
    )


def _seen_version(tags: set[str], record: Any) -> int:
    """The newest version among the tags sent; the record's own when none is a version of it
    (then only the latest change is named)."""
    versions = []
    for tag in tags:
        digits = tag.removeprefix("W/").strip('"')
        if digits.isdigit() and int(digits) < record.version:
            versions.append(int(digits))
    return max(versions, default=record.version)


def _change(entry: AuditEntry) -> dict[str, Any]:
    return {
        "actor": entry.actor_name,
        "action": entry.action,
        "fields": sorted(entry.changes),
        "at": to_json(entry.occurred_at),
        "token_label": entry.token_label,
    }
