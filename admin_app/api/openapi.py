"""The OpenAPI 3.1 document, built from the pydantic models that validate requests, and a
docs page rendered from it on the server (no script, no CDN)."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import jsonify, render_template
from werkzeug.wrappers import Response

from admin_app.api import schemas
from admin_app.auth.roles import public

REF = "#/components/schemas/{model}"
ERRORS = {
    400: "invalid parameters or body",
    401: "no credentials, or a token unknown, revoked or expired",
    403: "the role (or a read-only token) does not allow it",
    404: "no such record, or it is in the trash",
    405: "the path does not take this method",
    409: "a unique value is taken, or the trash refuses",
    412: "If-Match names an older version",
    413: "the body is too large",
    415: "the body is not JSON",
    428: "If-Match is missing",
    429: "the token is over its rate limit",
    503: "the database is unavailable",
}
LINK = {
    "type": "object",
    "required": ["href", "method"],
    "properties": {"href": {"type": "string"}, "method": {"type": "string", "enum": ["POST"]}},
}
# One reason a restore was refused: the record that cannot come back and the other record in
# its way. ``other.href`` is a GET of that record (``?trashed=only`` while it is in the trash);
# a parent in the trash also names the action that restores it.
REASON = {
    "type": "object",
    "required": ["kind", "field", "message", "record", "other"],
    "properties": {
        "kind": {"type": "string", "enum": ["unique", "parent"]},
        "field": {"type": ["string", "null"]},
        "message": {"type": "string"},
        "record": {
            "type": "object",
            "required": ["type", "id"],
            "properties": {"type": {"type": "string"}, "id": {"type": "string"}},
        },
        "other": {
            "type": "object",
            "required": ["type", "id", "href"],
            "properties": {
                "type": {"type": "string"},
                "id": {"type": "string"},
                "href": {"type": "string", "description": "GET: the other record"},
                "restore": {**LINK, "description": "a parent in the trash: restore it first"},
            },
        },
    },
}
PROBLEM = {
    "type": "object",
    "required": ["type", "title", "status", "detail", "errors"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        # Extensions: a 412 names the current ETag and the writes since the one sent; a
        # refused restore (409) gives each reason with a link to the other record.
        "current_etag": {"type": "string"},
        "changes": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "actor": {"type": "string"},
                    "action": {"type": "string"},
                    "fields": {"type": "array", "items": {"type": "string"}},
                    "at": {"type": "string", "format": "date-time"},
                    "token_label": {"type": ["string", "null"]},
                },
            },
        },
        "reasons": {"type": "array", "items": {"$ref": REF.format(model="RestoreRefusal")}},
    },
}


def _schemas() -> dict[str, Any]:
    found: dict[str, Any] = {"Problem": PROBLEM, "RestoreRefusal": REASON}
    for group in (schemas.CREATE, schemas.UPDATE, schemas.READ):
        for model in group.values():
            schema = model.model_json_schema(ref_template=REF)
            found |= schema.pop("$defs", {})
            found[model.__name__] = schema
    for resource, model in schemas.READ.items():
        found[f"{model.__name__}Page"] = _page_schema(model.__name__)
        del resource
    return found


def _page_schema(item: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "per_page", "total", "links"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": REF.format(model=item)}},
            "page": {"type": ["integer", "null"]},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
            "total_is_exact": {"type": "boolean"},
            "pages": {"type": ["integer", "null"]},
            "next": {"type": ["integer", "string", "null"]},
            "prev": {"type": ["integer", "null"]},
            "links": {
                "type": "object",
                "properties": {"next": {"type": ["string", "null"]}},
            },
        },
    }


def _json(model: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": REF.format(model=model)}}}


def _errors(*statuses: int, **described: str) -> dict[str, Any]:
    """Problem answers for ``statuses``; ``described`` words one differently (``_404=...``)."""
    problem = {"application/problem+json": {"schema": {"$ref": REF.format(model="Problem")}}}
    return {
        str(s): {"description": described.get(f"_{s}", ERRORS[s]), "content": problem}
        for s in statuses
    }


ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": True,
    "description": "the ETag the record was read with",
    "schema": {"type": "string"},
}
TRASHED_ONE = {
    "name": "trashed",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "enum": ["only"]},
    "description": "read the record while it is in the trash (editors); 404 when it is live",
}
ETAG = {"ETag": {"schema": {"type": "string"}, "description": "the record's version"}}
LIST_PARAMS = [
    {"name": name, "in": "query", "required": False, "schema": schema, "description": text}
    for name, schema, text in (
        ("q", {"type": "string"}, "full-text search: best match first, unless sort is given"),
        (
            "sort",
            {"type": "string"},
            (
                "a column or a stored count (comment_count, post_count, reply_count, "
                "reading_minutes), '-' first for descending; default -created_at"
            ),
        ),
        ("cursor", {"type": "string"}, "continue after links.next's cursor"),
        ("page", {"type": "integer", "minimum": 1}, "a shallow page number"),
        ("per_page", {"type": "integer", "minimum": 1}, "items per page"),
        ("trashed", {"type": "string", "enum": ["only"]}, "trashed records (editors)"),
    )
]


def _flag(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": ["true", "false"]},
        "description": description,
    }


def _collection(resource: str) -> dict[str, Any]:
    title = schemas.READ[resource].__name__
    common = _errors(400, 401, 403, 429, 503)
    return {
        "get": {
            "summary": f"List {resource}",
            "operationId": f"list_{resource}",
            "parameters": LIST_PARAMS,
            "responses": {"200": {"description": "a page", "content": _json(f"{title}Page")}}
            | common
            | _errors(404, _404="a page past the last one"),
        },
        "post": {
            "summary": f"Create one of {resource}",
            "operationId": f"create_{resource}",
            "requestBody": {"required": True, "content": _json(f"{title}Create")},
            "responses": {
                "201": {"description": "created", "headers": ETAG, "content": _json(title)}
            }
            | common
            | _errors(409, 413, 415),
        },
    }


def _item(resource: str) -> dict[str, Any]:
    title = schemas.READ[resource].__name__
    common = _errors(401, 403, 404, 429, 503)
    purge = _flag("purge", "true: purge a record already in the trash (admins)")
    return {
        "parameters": [ID],
        "get": {
            "summary": f"One of {resource} (with ?trashed=only: one in the trash, editors)",
            "operationId": f"show_{resource}",
            "parameters": [TRASHED_ONE],
            "responses": {
                "200": {"description": "the record", "headers": ETAG, "content": _json(title)}
            }
            | common
            | _errors(400),
        },
        "patch": {
            "summary": f"Change one of {resource}",
            "operationId": f"update_{resource}",
            "parameters": [IF_MATCH],
            "requestBody": {"required": True, "content": _json(f"{title}Update")},
            "responses": {
                "200": {"description": "changed", "headers": ETAG, "content": _json(title)}
            }
            | common
            | _errors(400, 409, 412, 413, 415, 428),
        },
        "delete": {
            "summary": f"Trash one of {resource} (with ?purge=true: purge a trashed one, admins)",
            "operationId": f"delete_{resource}",
            "parameters": [{**IF_MATCH, "required": False}, purge],
            "responses": {"204": {"description": "trashed or purged"}}
            | common
            | _errors(400, 409, 412, 428),
        },
    }


def _restore(resource: str) -> dict[str, Any]:
    title = schemas.READ[resource].__name__
    return {
        "parameters": [ID],
        "post": {
            "summary": f"Restore the delete batch of one of {resource}",
            "operationId": f"restore_{resource}",
            "parameters": [
                _flag("with_parents", "true: also restore the batches of parents in the trash")
            ],
            "responses": {"200": {"description": "restored", "content": _json(title)}}
            | _errors(400, 401, 403, 404, 409, 429, 503),
        },
    }


@cache
def document() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for resource in schemas.WRITABLE:
        paths[f"/api/v1/{resource}"] = _collection(resource)
        paths[f"/api/v1/{resource}/{{id}}"] = _item(resource)
        paths[f"/api/v1/{resource}/{{id}}/restore"] = _restore(resource)
    return {
        "openapi": "3.1.0",
        "info": {"title": "admin_app API", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
        "security": [{"bearer": []}, {"session": []}],
    }


@public
def openapi_json() -> Response:
    return jsonify(document())


@public
def docs() -> str:
    return render_template("api/docs.html", doc=document())
