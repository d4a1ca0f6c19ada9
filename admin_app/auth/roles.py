"""Role checks for views and JSON endpoints; roles are always checked server-side."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import jsonify
from flask_login import current_user

from admin_app.models import Operator, Role

F = TypeVar("F", bound=Callable[..., Any])


def current_operator() -> Operator | None:
    """The signed-in operator, or None for an anonymous visitor."""
    user = current_user._get_current_object() if current_user else None
    return user if isinstance(user, Operator) else None


def has_role(needed: Role) -> bool:
    operator = current_operator()
    return operator is not None and operator.has_role(needed)


def role_required(needed: Role) -> Callable[[F], F]:
    """Answer JSON 401 to anonymous callers and 403 to operators below ``needed``."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_operator() is None:
                return jsonify(error="sign in required"), 401
            if not has_role(needed):
                return jsonify(error=f"the {needed.value} role is required"), 403
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
