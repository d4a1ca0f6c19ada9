"""Role checks for views and JSON endpoints; roles are always checked server-side."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, jsonify
from flask_login import current_user

from admin_app.auth import two_factor
from admin_app.models import Operator, Role

F = TypeVar("F", bound=Callable[..., Any])
# The attribute that carries a route's declared role; PUBLIC marks routes open to anyone.
REQUIRED_ROLE = "required_role"
PUBLIC = "public"


def current_operator() -> Operator | None:
    """The signed-in operator, or None for an anonymous visitor."""
    user = current_user._get_current_object() if current_user else None
    return user if isinstance(user, Operator) else None


def has_role(needed: Role) -> bool:
    operator = current_operator()
    return operator is not None and operator.has_role(needed)


def higher(first: Role, second: Role) -> Role:
    return first if first.rank >= second.rank else second


def public(view: F) -> F:
    """Declare a route open to anyone, signed in or not."""
    setattr(view, REQUIRED_ROLE, PUBLIC)
    return view


def declared_role(app: Flask, endpoint: str) -> Role | str | None:
    """The role a route declares (``PUBLIC`` for open ones), or None when it declares none.

    Console views answer for their endpoints; other routes carry the declaration made by
    ``role_required`` or ``public``. Static files are public by design.
    """
    view = app.view_functions.get(endpoint)
    owner = getattr(view, "__self__", None)
    if hasattr(owner, "declared_role"):
        return owner.declared_role(view.__name__)  # type: ignore[union-attr]
    if endpoint == "static" or endpoint.endswith(".static"):
        return PUBLIC
    return getattr(view, REQUIRED_ROLE, None)


def role_required(needed: Role) -> Callable[[F], F]:
    """Answer JSON 401 to anonymous callers and 403 to operators below ``needed``."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            operator = current_operator()
            if operator is None:
                return jsonify(error="sign in required"), 401
            if not has_role(needed):
                return jsonify(error=f"the {needed.value} role is required"), 403
            if two_factor.set_up_required(operator):
                return jsonify(error="set up two-factor sign-in first"), 403
            return view(*args, **kwargs)

        setattr(wrapped, REQUIRED_ROLE, needed)
        return wrapped  # type: ignore[return-value]

    return decorator
