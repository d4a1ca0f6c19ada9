"""Request-wide behaviour: request ids, the actor for listeners, refused input, headers, and
the one place database faults become 503 answers."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from typing import Any

from flask import Flask, current_app, g, jsonify, redirect, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.wrappers import Response

from admin_app import pool
from admin_app.auth.roles import public
from admin_app.config import settings_of
from admin_app.database import is_database_fault
from admin_app.extensions import db

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    app.before_request(_remember_request)
    app.before_request(_refuse_bad_input)
    app.after_request(_security_headers)
    app.register_error_handler(CSRFError, _csrf_refused)
    app.register_error_handler(PoolTimeout, _database_unavailable)
    app.register_error_handler(DBAPIError, _database_unavailable)
    app.add_url_rule("/", "index", public(lambda: redirect("/admin/")))


PROBES = ("healthz", "readyz")


def _remember_request() -> None:
    g.request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex
    pool.holder.set(f"{request.method} {request.path}"[:200])
    if request.endpoint in PROBES:
        return  # probes answer without the operator loader and the request pool
    # Listeners below the web layer read who is acting from the session, never from Flask-Login.
    operator = current_user if current_user and current_user.is_authenticated else None
    db.session.info["actor"] = (
        {"id": str(operator.id), "name": operator.username} if operator else None
    )
    db.session.info["request"] = {
        "id": g.request_id,
        "remote_addr": request.remote_addr,
        "method": request.method,
        "path": request.path,
    }


# Scripts only from this site, none inline (static/js holds every handler). Inline styles stay
# allowed: Flask-Admin's templates and the charts set style attributes, which run no code.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
HSTS = "max-age=31536000; includeSubDomains"
# Parameters that end up in a Location header: a line break there would split the header.
REDIRECT_PARAMS = ("next", "url")


def bad_input(path: str, values: Any) -> str | None:
    """Why the path or a (name, value) pair cannot be used as given, or None.

    NUL is refused everywhere (neither database stores it in text); CR and LF in a redirect
    target.
    """
    if "\x00" in path:
        return "the path contains a NUL byte"
    for name, value in values:
        if "\x00" in name or "\x00" in value:
            return f"{name[:40]!r}: NUL bytes are not allowed"
        if name in REDIRECT_PARAMS and ("\r" in value or "\n" in value):
            return f"{name}: line breaks are not allowed in a redirect target"
    return None


def _refuse_bad_input() -> tuple[Response | str, int] | None:
    values = list(request.args.items(multi=True))
    if request.method == "POST" and request.mimetype != "application/json":
        values += request.form.items(multi=True)
    problem = bad_input(request.path, values)
    if problem is None:
        return None
    if wants_json():
        return jsonify(error=problem), 400
    return f"<!doctype html><title>Bad request</title><p>{escape(problem)}</p>", 400


def _security_headers(response: Response) -> Response:
    """Headers every answer carries. A small after_request rather than Flask-Talisman: five
    fixed headers need no dependency, and Talisman's HTTPS redirect would fight the
    plain-HTTP set-ups that security.allow_insecure_cookies permits."""
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if settings_of(current_app)["app"]["env"] == "production":
        headers.setdefault("Strict-Transport-Security", HSTS)
    # Read from the cookie, not Flask-Login: loading the operator would need the pool, and
    # this runs on the pool-exhausted page too.
    if "_user_id" in session or (response.mimetype or "").endswith("json"):
        headers["Cache-Control"] = "no-store"
    if getattr(g, "request_id", None):
        response.headers["X-Request-Id"] = g.request_id
    return response


def _csrf_refused(error: CSRFError) -> tuple[Response | str, int] | tuple[Any, ...]:
    if request.path.startswith("/api/") or request.is_json:
        return jsonify(error=f"CSRF check failed: {error.description}"), 400
    try:
        return render_template("errors/csrf.html", reason=error.description), 400
    except DBAPIError as fault:  # the page's context processors load the operator
        return _database_unavailable(fault)


RETRY_AFTER_S = 5
BURST_S = 30  # faults within this many seconds of the last logged one are one burst
BUSY = "The database is busy: every connection is in use. Try again in a few seconds."
DOWN = "The database is not answering. Try again in a few seconds."


class BurstLog:
    """One log line per burst of faults, with how many the last burst held."""

    def __init__(self) -> None:
        self.logged_at: float | None = None
        self.since = 0
        self.lock = threading.Lock()

    def fault(self, kind: str, error: BaseException) -> None:
        now = time.monotonic()
        with self.lock:
            self.since += 1
            if self.logged_at is not None and now - self.logged_at < BURST_S:
                return
            self.logged_at, count, self.since = now, self.since, 0
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[:1]
        log.warning(
            "database %s; answering 503 (%d since the last line): %s",
            kind,
            count,
            reason[0][:200] if reason else type(error).__name__,
        )


burst_log = BurstLog()


def _database_unavailable(error: Exception) -> tuple[Response | str, int, dict[str, str]]:
    """Every database fault, wherever it surfaced: 503 with Retry-After, JSON or a plain page."""
    if not is_database_fault(error):
        raise error  # a programming error: Flask logs it and answers 500
    busy = isinstance(error, PoolTimeout)
    burst_log.fault("pool exhausted" if busy else "unavailable", error)
    message = BUSY if busy else DOWN
    headers = {"Retry-After": str(RETRY_AFTER_S)}
    if wants_json():
        return jsonify(error=message), 503, headers
    # Not render_template: its context processors load the signed-in operator, which needs
    # the database that just failed.
    template = "errors/busy.html" if busy else "errors/unavailable.html"
    page = current_app.jinja_env.get_template(template).render(message=message)
    return page, 503, headers


def wants_json() -> bool:
    return (
        request.path.startswith("/api/")
        or request.path.endswith(".json")
        or request.accept_mimetypes.best == "application/json"
    )
