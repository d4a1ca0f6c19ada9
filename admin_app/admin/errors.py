"""Error pages in the console's own frame, JSON on API paths, and the favicon.

Registered by the console because a page with navigation needs it: a signed-in operator
who meets a 404 keeps the menu, the sign-out button and a way back.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from flask_admin import Admin
from flask_login import current_user
from werkzeug.exceptions import HTTPException, InternalServerError

from admin_app.auth.roles import public

log = logging.getLogger(__name__)

# What an operator reads for each status: a title and what to do next.
EXPLAINED: dict[int, tuple[str, str]] = {
    400: ("Bad request", "The address or the form held something this page cannot use."),
    403: ("Not allowed", "Your role does not allow this page or action."),
    404: ("Not found", "Nothing lives at this address, or the record has gone."),
    405: ("Not allowed here", "This address does not take that kind of request."),
    413: ("Too large", "What was sent is larger than this console accepts."),
    429: ("Too many attempts", "Wait a little, then try again."),
    500: ("Something went wrong", "The error was logged. Nothing was half-saved; try again."),
    503: ("Unavailable", "The database is not answering just now. Try again in a few seconds."),
}

ICON_HEADERS = {"Cache-Control": "public, max-age=86400"}


def init_app(app: Flask, console: Admin) -> None:
    app.register_error_handler(HTTPException, lambda error: _answer(console, error))
    icon = Path(app.static_folder or "static", "favicon.svg").read_bytes()
    favicon = public(lambda: Response(icon, mimetype="image/svg+xml", headers=ICON_HEADERS))
    app.add_url_rule("/favicon.ico", "favicon", favicon)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _answer(console: Admin, error: HTTPException) -> Any:
    if isinstance(error, InternalServerError) and error.original_exception is not None:
        log.error("unhandled error on %s", request.path, exc_info=error.original_exception)
    status = error.code or 500
    title, advice = EXPLAINED.get(status, (error.name, ""))
    if wants_json():
        response = jsonify(status=status, title=title, detail=error.description or advice)
    else:
        response = current_app.make_response(_page(console, status, title, advice))
    response.status_code = status
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value  # Retry-After, Allow
    return response


def _page(console: Admin, status: int, title: str, advice: str) -> str:
    context = {"status": status, "title": title, "advice": advice}
    try:
        if current_user.is_authenticated:
            return str(console.index_view.render("errors/console_error.html", **context))
    except Exception:
        log.warning("console error page failed; showing the plain one", exc_info=True)
    return current_app.jinja_env.get_template("errors/plain_error.html").render(**context)
