"""Request-wide behaviour: request ids, the actor for listeners, headers, error pages."""

from __future__ import annotations

import logging
import time
import uuid

from flask import Flask, current_app, g, jsonify, redirect, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.wrappers import Response

from admin_app import pool
from admin_app.auth.roles import public
from admin_app.config import settings_of
from admin_app.extensions import db

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    app.before_request(_remember_request)
    app.after_request(_security_headers)
    app.register_error_handler(CSRFError, _csrf_refused)
    app.register_error_handler(PoolTimeout, _pool_exhausted)
    app.add_url_rule("/", "index", public(lambda: redirect("/admin/")))


def _remember_request() -> None:
    g.request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex
    pool.holder.set(f"{request.method} {request.path}"[:200])
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


def _csrf_refused(error: CSRFError) -> tuple[Response | str, int]:
    if request.path.startswith("/api/") or request.is_json:
        return jsonify(error=f"CSRF check failed: {error.description}"), 400
    return render_template("errors/csrf.html", reason=error.description), 400


RETRY_AFTER_S = 5
_last_exhaustion_log = [0.0]


def _pool_exhausted(error: PoolTimeout) -> tuple[Response | str, int, dict[str, str]]:
    # Logged once per burst: a full pool fails many requests within the same seconds.
    now = time.monotonic()
    if now - _last_exhaustion_log[0] > 30:
        _last_exhaustion_log[0] = now
        log.warning("database pool exhausted; answering 503 (%s)", error)
    headers = {"Retry-After": str(RETRY_AFTER_S)}
    message = "The database is busy: every connection is in use. Try again in a few seconds."
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return jsonify(error=message), 503, headers
    # Not render_template: its context processors load the signed-in operator, which needs
    # the very pool that is exhausted.
    page = current_app.jinja_env.get_template("errors/busy.html").render(message=message)
    return page, 503, headers
