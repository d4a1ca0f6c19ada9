"""RFC 9457 problem details: every error under ``/api/`` is ``application/problem+json``.

API views raise ``ApiProblem``; everything else that answers an error on an API path (a 404
from routing, a 405, a refused CSRF token, a 503 from a database fault, the console's error
handler) is rewritten by ``as_problem`` on its way out, so no HTML ever leaves ``/api/``.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

MIMETYPE = "application/problem+json"
TYPE_BASE = "/api/v1/problems/"
# Why a status is answered, for a script's author: the detail says what this request did.
TITLES: dict[int, str] = {
    400: "Bad request",
    401: "Credentials required",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Precondition failed",
    413: "Content too large",
    415: "Unsupported media type",
    428: "Precondition required",
    429: "Too many requests",
    500: "Internal error",
    503: "Unavailable",
}


class ApiProblem(HTTPException):
    """An error an API view answers: a status, what went wrong, and per-field errors."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.code = status
        self.errors = errors or {}
        self.extra_headers = headers or {}
        self.extra = extra

    def get_response(self, environ: Any = None, scope: Any = None) -> Response:
        response = problem(
            self.code or 500, str(self.description), errors=self.errors, **self.extra
        )
        response.headers.update(self.extra_headers)
        return response


def problem(
    status: int, detail: str, *, errors: dict[str, list[str]] | None = None, **extra: Any
) -> Response:
    """The problem document for ``status``, with the fields that were wrong, if any."""
    body = document(status, detail, instance=request.path, errors=errors, **extra)
    return Response(json.dumps(body), status=status, mimetype=MIMETYPE)


def document(
    status: int,
    detail: str,
    *,
    instance: str,
    errors: dict[str, list[str]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The problem document's fields; also written outside Flask (``api.backstop``)."""
    slug = HTTP_STATUS_CODES.get(status, "error").lower().replace(" ", "-").replace("'", "")
    return {
        "type": f"{TYPE_BASE}{slug}",
        "title": TITLES.get(status, HTTP_STATUS_CODES.get(status, "Error")),
        "status": status,
        "detail": detail,
        "instance": instance,
        "errors": errors or {},
        **extra,
    }


def as_problem(response: Response) -> Response:
    """Rewrite any other error answer on an API path as a problem document, keeping its
    headers (``Allow``, ``Retry-After``, ``WWW-Authenticate``)."""
    if not request.path.startswith("/api/") or response.status_code < 400:
        return response
    if response.mimetype == MIMETYPE:
        return response
    rewritten = problem(response.status_code, _detail(response))
    for name, value in response.headers.items():
        if name.lower() not in ("content-type", "content-length"):
            rewritten.headers[name] = value
    return rewritten


def _detail(response: Response) -> str:
    if response.is_json and not response.is_streamed:
        body = response.get_json(silent=True)
        if isinstance(body, dict):
            for key in ("detail", "error"):
                if isinstance(body.get(key), str):
                    return str(body[key])
    return TITLES.get(response.status_code, HTTP_STATUS_CODES.get(response.status_code, "Error"))
