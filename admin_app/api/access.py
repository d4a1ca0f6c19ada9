"""Role checks for API endpoints: problem answers, token limits, CSRF for session writes."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import request

from admin_app.api.credentials import CHALLENGE, current_token
from admin_app.api.problems import ApiProblem
from admin_app.auth import two_factor
from admin_app.auth.roles import REQUIRED_ROLE, current_operator
from admin_app.extensions import csrf
from admin_app.models import Role

F = TypeVar("F", bound=Callable[..., Any])
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def allowed(operator: Any, needed: Role) -> None:
    """Raise the problem that refuses ``operator`` (None: nobody signed in) for ``needed``."""
    if operator is None:
        raise ApiProblem(
            401,
            "sign in, or send 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": CHALLENGE},
        )
    # The operator's role first: a full token of a viewer is refused for the role, not
    # for being read-only.
    if not operator.has_role(needed):
        raise ApiProblem(403, f"the {needed.value} role is required")
    token = current_token()
    if token is not None and not token.grants(needed):
        raise ApiProblem(403, f"this token is read-only; the {needed.value} role is required")
    if two_factor.set_up_required(operator):
        raise ApiProblem(403, "set up two-factor sign-in first")


def api_role(needed: Role) -> Callable[[F], F]:
    """Declare and enforce the role an API endpoint needs.

    A write made with the session cookie must carry the CSRF token (``X-CSRFToken``); one
    made with a bearer token needs none, since no browser sends that header on its own.
    """

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            allowed(current_operator(), needed)
            if current_token() is None and request.method not in SAFE_METHODS:
                csrf.protect()
            return view(*args, **kwargs)

        setattr(wrapped, REQUIRED_ROLE, needed)
        return wrapped  # type: ignore[return-value]

    return decorator
