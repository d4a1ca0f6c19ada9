"""Who is calling the API: a bearer token, or the browser session (whose writes need CSRF).

A bearer token is checked on every request against the database (revoked, expired, its
operator deactivated or given another role: the next request sees it), counted against its
rate limit, and never touches the session cookie.
"""

from __future__ import annotations

from typing import Any

from flask import g, request

from admin_app.api import ratelimit
from admin_app.api.problems import ApiProblem
from admin_app.auth import sessions
from admin_app.extensions import db
from admin_app.models.tokens import ApiToken, get_by_secret

CHALLENGE = 'Bearer realm="api"'


def current_token() -> ApiToken | None:
    return g.get("api_token")


def authenticate(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Sign the request in with its bearer token, before anything reads ``current_user``.

    A URL value preprocessor: those run before every ``before_request`` function, so the
    request id and audit actor set up in ``web`` already see the token's operator.
    """
    g.api_token = None
    header = request.headers.get("Authorization")
    if header is None:
        return
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise _refused("send the token as 'Authorization: Bearer <token>'", "invalid_request")
    token = get_by_secret(db.session, secret.strip())
    now = sessions.now()
    if token is None or not token.is_usable(now):
        raise _refused("the token is unknown, revoked or expired, or its operator is inactive")
    ratelimit.count(token, now)  # commits its own bookkeeping; raises 429 over the limit
    g.api_token = token
    g._login_user = token.operator  # Flask-Login's current_user reads it: no session used


def name_the_token() -> None:
    """Add the token's label to the actor the audit listeners read (``web`` named the operator)."""
    token = current_token()
    actor = db.session.info.get("actor")
    if token is not None and actor is not None:
        db.session.info["actor"] = {**actor, "token": token.label}


def _refused(detail: str, error: str = "invalid_token") -> ApiProblem:
    return ApiProblem(401, detail, headers={"WWW-Authenticate": f'{CHALLENGE}, error="{error}"'})
