"""Turning a request body into field values on a record: parse, resolve relations by id,
check unique values. Every refusal is a problem with each field's error; never commits."""

from __future__ import annotations

from typing import Any

from flask import request
from pydantic import BaseModel, ValidationError
from sqlalchemy import select

from admin_app.api.problems import ApiProblem
from admin_app.extensions import db
from admin_app.models import Tag
from admin_app.models.constraints import holders
from admin_app.models.hierarchy import loop_message, would_loop
from admin_app.models.naming import entity_type


def parse_body(schema: type[BaseModel]) -> dict[str, Any]:
    """The fields the body sent, validated by ``schema``; 415 unless it is JSON."""
    if request.mimetype != "application/json":
        raise ApiProblem(415, "send the body as application/json")
    try:
        parsed = schema.model_validate_json(request.get_data() or b"")
    except ValidationError as exc:
        raise ApiProblem(
            400, "the body has fields this resource cannot take", errors=_errors(exc)
        ) from None
    return {name: getattr(parsed, name) for name in parsed.model_fields_set}


def create_values(schema: type[BaseModel]) -> dict[str, Any]:
    """Every field of a new record: what was sent, and the schema's defaults for the rest."""
    sent = parse_body(schema)
    defaults = {
        name: field.get_default(call_default_factory=True)
        for name, field in schema.model_fields.items()
        if not field.is_required()
    }
    return defaults | sent


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for error in exc.errors(include_url=False, include_input=False):
        where = ".".join(str(part) for part in error["loc"]) or "body"
        message = "unknown field" if error["type"] == "extra_forbidden" else error["msg"]
        found.setdefault(where, []).append(message)
    return found


def apply(record: Any, values: dict[str, Any]) -> None:
    """Set ``values`` on ``record``: foreign keys must name live records, tags too."""
    errors: dict[str, list[str]] = {}
    model = type(record)
    for name, value in values.items():
        if name == "tag_ids":
            record.tags = _tags(value, errors)
            continue
        if value is not None and name.endswith("_id"):
            _check_reference(model, name, value, errors)
            _refuse_a_loop(record, name, value, errors)
        setattr(record, name, value)
    if errors:
        raise ApiProblem(400, "some ids name no live record", errors=errors)


def _check_reference(model: Any, name: str, value: Any, errors: dict[str, list[str]]) -> None:
    (foreign_key,) = model.__table__.c[name].foreign_keys
    table = foreign_key.column.table
    target = next(m for m in model.registry.mappers if m.local_table is table).class_
    found = db.session.scalars(select(target.id).where(target.id == value)).first()
    if found is None:
        errors.setdefault(name, []).append(f"no live {entity_type(target)} with id {value}")


def _refuse_a_loop(record: Any, name: str, value: Any, errors: dict[str, list[str]]) -> None:
    """A record's parent in its own table (a reply's comment): see models/hierarchy.py."""
    table = type(record).__table__
    (foreign_key,) = table.c[name].foreign_keys
    if foreign_key.column.table is not table or record.id is None:
        return
    if would_loop(db.session, table, name, record.id, value):
        errors.setdefault(name, []).append(loop_message(type(record)))


def _tags(ids: list[Any], errors: dict[str, list[str]]) -> list[Tag]:
    wanted = list(dict.fromkeys(ids))
    tags = list(db.session.scalars(select(Tag).where(Tag.id.in_(wanted)))) if wanted else []
    missing = set(wanted) - {tag.id for tag in tags}
    if missing:
        errors["tag_ids"] = [f"no live tag with id {key}" for key in sorted(map(str, missing))]
    return tags


def refuse_clashes(model: Any, record: Any) -> None:
    """409 naming each field whose value a live record already holds."""
    values = {column.name: getattr(record, column.key) for column in model.__table__.columns}
    clashes = holders(db.session, model, values, exclude=record.id)
    if clashes:
        raise ApiProblem(
            409,
            "a live record already holds a value that must be unique",
            errors={
                field: [f"already used by {entity_type(holder)} {holder} ({holder.id})"]
                for field, holder in clashes.items()
            },
        )
