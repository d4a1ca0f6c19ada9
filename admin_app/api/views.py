"""The list endpoint: every bad parameter is a 400 with a JSON error, never a 500."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import current_app, jsonify, request
from sqlalchemy import inspect, select
from werkzeug.wrappers import Response

from admin_app.api.access import api_role
from admin_app.api.paging import ApiSort, cursor_after, cursor_page, next_url
from admin_app.api.problems import ApiProblem
from admin_app.columns import to_json
from admin_app.config import settings_of
from admin_app.extensions import db
from admin_app.models import DOMAIN_MODELS, Role
from admin_app.models.counters import STORED_VALUES
from admin_app.models.keyset import CursorError
from admin_app.models.query import PaginationError, paginate_json, parse_positive
from admin_app.models.search import search, searchable_columns

MODELS = {model.__tablename__: model for model in DOMAIN_MODELS}
RESERVED = {"page", "per_page", "q", "sort", "cursor"}
HIDDEN = {"delete_batch", "deleted_at", "deleted_by"} | {v.attribute for v in STORED_VALUES}
MAX_BIGINT = 2**63 - 1


class ParamError(ValueError):
    """A query parameter the endpoint cannot use; the message says which and why."""


def _columns(model: Any) -> dict[str, Any]:
    return {c.key: c for c in inspect(model).column_attrs if c.key not in HIDDEN}


def serialize(record: Any) -> dict[str, Any]:
    return {key: to_json(getattr(record, key)) for key in _columns(type(record))}


def _coerce(name: str, column: Any, raw: str) -> Any:
    """Turn a query-string value into the column's Python type, or say why it cannot be."""
    kind = column.type.python_type
    if kind is object:  # a TypeDecorator that does not say: use what it stores
        kind = column.type.impl.python_type
    try:
        return _parse(kind, raw)
    except (ValueError, TypeError, OverflowError):
        raise ParamError(f"{name}: {raw[:40]!r} is not a valid {kind.__name__}") from None


def _parse(kind: type, raw: str) -> Any:
    if kind is bool:
        if raw.lower() not in ("true", "false", "1", "0"):
            raise ValueError(raw)
        return raw.lower() in ("true", "1")
    if kind is datetime:
        value = datetime.fromisoformat(raw)
        # A time without a zone is read as UTC, the zone every timestamp is stored in.
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if kind is int and abs(int(raw)) > MAX_BIGINT:
        raise OverflowError(raw)
    return kind(raw)


def _filtered(model: Any, stmt: Any) -> Any:
    columns = _columns(model)
    for name, raw in request.args.items():
        if name in RESERVED:
            continue
        if name not in columns:
            raise ParamError(f"unknown filter {name!r}; filterable: {', '.join(sorted(columns))}")
        stmt = stmt.where(getattr(model, name) == _coerce(name, getattr(model, name), raw))
    return stmt


def _refuse_nul_bytes() -> None:
    # Neither database accepts NUL inside text; say so rather than fail inside the driver.
    for name, raw in request.args.items(multi=True):
        if "\x00" in raw:
            raise ParamError(f"{name}: NUL bytes are not allowed")


def _sort(model: Any) -> ApiSort:
    raw = request.args.get("sort", "-created_at")
    name = raw.lstrip("-")
    if name not in _columns(model):
        raise ParamError(f"cannot sort by {name!r}")
    return ApiSort(raw, name, getattr(model, name), raw.startswith("-"))


def _sorted(model: Any, stmt: Any, sort: ApiSort) -> Any:
    # The id breaks ties in the same direction, so (column, id) indexes serve the order.
    if sort.descending:
        return stmt.order_by(sort.column.desc(), model.id.desc())
    return stmt.order_by(sort.column.asc(), model.id.asc())


def _estimate_index(model: Any) -> str | None:
    # Only an unfiltered list holds exactly the live rows its partial index counts.
    filtered = request.args.get("q") or any(name not in RESERVED for name in request.args)
    return None if filtered else f"ix_{model.__tablename__}_created_at_live"


def _page(model: Any, stmt: Any, sort: ApiSort | None) -> dict[str, Any]:
    settings = settings_of(current_app)
    size = min(
        parse_positive("per_page", request.args.get("per_page"), settings["app"]["api_per_page"]),
        settings["app"]["api_max_per_page"],
    )
    if "cursor" in request.args:
        if sort is None:
            raise ParamError("cursor: keyset pages follow a sort; not available with q")
        return cursor_page(
            stmt,
            model,
            sort,
            cursor=request.args["cursor"],
            size=size,
            coerce=lambda raw: _coerce("cursor", sort.column, raw),
            serialize=serialize,
            settings=settings["lists"],
        )
    found: list[Any] = []

    def keep(record: Any) -> dict[str, Any]:
        found.append(record)  # the last one shown is where links.next continues
        return serialize(record)

    page = paginate_json(
        db.session,
        stmt,
        serialize=keep,
        page=request.args.get("page"),
        per_page=size,
        max_per_page=settings["app"]["api_max_per_page"],
        count_threshold=settings["lists"]["count_threshold"],
        max_offset_rows=settings["lists"]["max_offset_rows"],
        estimate_index=_estimate_index(model),
    )
    following = cursor_after(found, sort) if page["next"] else None
    return page | {"links": {"next": next_url(following)}}


@api_role(Role.VIEWER)
def list_records(model_name: str) -> tuple[Response, int] | Response:
    model = MODELS.get(model_name)
    if model is None:
        raise ApiProblem(404, f"no such model {model_name!r}; try one of {sorted(MODELS)}")
    try:
        _refuse_nul_bytes()
        stmt = _filtered(model, select(model))
        sort = None
        if request.args.get("q"):
            if not searchable_columns(model):
                raise ParamError(f"{model_name} has no full-text search")
            stmt = search(db.session, model, request.args["q"], stmt)
        else:
            sort = _sort(model)
            stmt = _sorted(model, stmt, sort)
        page = _page(model, stmt, sort)
    except (ParamError, PaginationError, CursorError) as exc:
        raise ApiProblem(400, str(exc)) from None
    return jsonify(page)
