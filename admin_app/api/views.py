"""The list endpoint: every bad parameter is a 400 with a JSON error, never a 500."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import current_app, jsonify, request
from sqlalchemy import inspect, select
from sqlalchemy.ext.hybrid import HybridExtensionType
from werkzeug.wrappers import Response

from admin_app.api.access import allowed, api_role
from admin_app.api.paging import ApiSort, cursor_after, cursor_page, next_url
from admin_app.api.problems import ApiProblem
from admin_app.api.records import serialize
from admin_app.auth.roles import current_operator
from admin_app.config import settings_of
from admin_app.extensions import db
from admin_app.models import DOMAIN_MODELS, Role
from admin_app.models.counters import STORED_VALUES
from admin_app.models.keyset import CursorError
from admin_app.models.query import PaginationError, paginate_json, parse_positive
from admin_app.models.search import search, searchable_columns
from admin_app.soft_delete import only_deleted

MODELS = {model.__tablename__: model for model in DOMAIN_MODELS}
RESERVED = {"page", "per_page", "q", "sort", "cursor", "trashed"}
HIDDEN = {"delete_batch", "deleted_at", "deleted_by"} | {v.attribute for v in STORED_VALUES}
MAX_BIGINT = 2**63 - 1


class ParamError(ValueError):
    """A query parameter the endpoint cannot use; the message says which and why."""


def _columns(model: Any) -> dict[str, Any]:
    return {c.key: c for c in inspect(model).column_attrs if c.key not in HIDDEN}


def _coerce(name: str, column: Any, raw: str) -> Any:
    """Turn a query-string value into the column's Python type, or say why it cannot be."""
    try:
        kind = column.type.python_type
        if kind is object:  # a TypeDecorator that does not say: use what it stores
            kind = column.type.impl.python_type
    except NotImplementedError:  # an expression of no particular type
        kind = str
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


def _hybrids(model: Any) -> dict[str, Any]:
    """Hybrid properties by name, with their SQL expressions (built now: time moves on)."""
    return {
        name: getattr(model, name)
        for name, descriptor in inspect(model).all_orm_descriptors.items()
        if descriptor.extension_type is HybridExtensionType.HYBRID_PROPERTY
    }


def _filtered(model: Any, stmt: Any) -> Any:
    filterable = _columns(model) | _hybrids(model)
    for name, raw in request.args.items():
        if name in RESERVED:
            continue
        if name not in filterable:
            known = ", ".join(sorted(filterable))
            raise ParamError(f"unknown filter {name!r}; filterable: {known}")
        expression = getattr(model, name)
        stmt = stmt.where(expression == _coerce(name, expression, raw))
    return stmt


def _scoped(model: Any) -> Any:
    """Live rows, or with ``?trashed=only`` (editors and up) the trashed ones."""
    trashed = request.args.get("trashed")
    if trashed is None:
        return select(model)
    if trashed != "only":
        raise ParamError("trashed: the one value is 'only'")
    allowed(current_operator(), Role.EDITOR)
    return only_deleted(select(model), model)


def _refuse_nul_bytes() -> None:
    # Neither database accepts NUL inside text; say so rather than fail inside the driver.
    for name, raw in request.args.items(multi=True):
        if "\x00" in raw:
            raise ParamError(f"{name}: NUL bytes are not allowed")


def _stored_hybrids(model: Any) -> dict[str, str]:
    """Hybrids kept in a stored column (counts, reading time), by name, with that attribute.

    The console sorts by these and no other hybrid: an index serves them, while a computed
    one (``is_published``, ``full_name``) would compute and sort every row of the table.
    """
    found = {}
    for value in STORED_VALUES:
        if value.model is model:
            found[value.name.split(".")[1]] = value.attribute
    return found


def _sortable(model: Any) -> dict[str, tuple[Any, str]]:
    """Every sort key: name -> (SQL expression, attribute that holds a row's value)."""
    found = {name: (getattr(model, name), name) for name in _columns(model)}
    for name, attribute in _stored_hybrids(model).items():
        found[name] = (getattr(model, attribute), attribute)
    return found


def _sort(model: Any) -> ApiSort:
    raw = request.args.get("sort", "-created_at")
    name = raw.removeprefix("-")
    sortable = _sortable(model)
    if name not in sortable:
        known = ", ".join(sorted(sortable))
        raise ParamError(f"cannot sort by {name[:40]!r}; sortable ('-' first to reverse): {known}")
    column, attribute = sortable[name]
    return ApiSort(raw, attribute, column, raw.startswith("-"))


def _sorted(model: Any, stmt: Any, sort: ApiSort) -> Any:
    # The id breaks ties in the same direction, so (column, id) indexes serve the order.
    if sort.descending:
        return stmt.order_by(sort.column.desc(), model.id.desc())
    return stmt.order_by(sort.column.asc(), model.id.asc())


def _estimate_index(model: Any) -> str | None:
    # Only an unfiltered list holds exactly the rows its partial index counts: the live
    # rows, or with ?trashed=only the trashed ones.
    filtered = request.args.get("q") or any(name not in RESERVED for name in request.args)
    if filtered:
        return None
    rows = "trashed" if request.args.get("trashed") == "only" else "created_at_live"
    return f"ix_{model.__tablename__}_{rows}"


def _page(model: Any, stmt: Any, sort: ApiSort | None) -> dict[str, Any]:
    settings = settings_of(current_app)
    size = parse_positive("per_page", request.args.get("per_page"), settings["app"]["api_per_page"])
    if size > settings["app"]["api_max_per_page"]:
        raise ParamError(f"per_page: at most {settings['app']['api_max_per_page']}")
    if "cursor" in request.args:
        if sort is None:
            raise ParamError("cursor: keyset pages follow a sort; with q, send sort= too")
        return cursor_page(
            stmt,
            model,
            sort,
            cursor=request.args["cursor"],
            size=size,
            coerce=lambda raw: _coerce("cursor", sort.column, raw),
            serialize=serialize,
            settings=settings["lists"],
            estimate_index=_estimate_index(model),
        )
    return _numbered_page(model, stmt, sort, size, settings)


def _numbered_page(
    model: Any, stmt: Any, sort: ApiSort | None, size: int, settings: Any
) -> dict[str, Any]:
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
        counted=stmt.with_only_columns(model.id),  # the ids alone: an index answers the count
    )
    if not page["items"] and page["page"] > 1 and page["total_is_exact"]:
        raise ApiProblem(404, f"no page {page['page']}: the list has {page['pages']} page(s)")
    following = cursor_after(found, sort) if page["next"] else None
    return page | {"links": {"next": next_url(following)}}


@api_role(Role.VIEWER)
def list_records(model_name: str) -> tuple[Response, int] | Response:
    model = MODELS.get(model_name)
    if model is None:
        raise ApiProblem(404, f"no such model {model_name!r}; try one of {sorted(MODELS)}")
    try:
        _refuse_nul_bytes()
        stmt = _filtered(model, _scoped(model))
        sort = None
        if request.args.get("q"):
            if not searchable_columns(model):
                raise ParamError(f"{model_name} has no full-text search")
            stmt = search(db.session, model, request.args["q"], stmt)
            if "sort" in request.args:  # as in the console: a chosen sort orders the matches
                sort = _sort(model)
                stmt = _sorted(model, stmt.order_by(None), sort)
        else:
            sort = _sort(model)
            stmt = _sorted(model, stmt, sort)
        page = _page(model, stmt, sort)
    except (ParamError, PaginationError, CursorError) as exc:
        raise ApiProblem(400, str(exc)) from None
    return jsonify(page)
