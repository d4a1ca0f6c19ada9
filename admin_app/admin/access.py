"""Who may use each console endpoint, for page views and model views alike.

Every endpoint declares its role next to itself with ``@requires``; endpoints the library
defines are declared in one table on the base that inherits them. An endpoint nobody
declared is refused to everyone, and the role-matrix test names it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from flask import abort, flash, jsonify, redirect, request, url_for

from admin_app.auth import two_factor
from admin_app.auth.roles import REQUIRED_ROLE, current_operator, has_role, higher
from admin_app.models import Role

F = TypeVar("F", bound=Callable[..., Any])
ANSWERS_JSON = "answers_json"


def requires(role: Role, *, json: bool = False) -> Callable[[F], F]:
    """Declare the role an exposed endpoint or an action needs.

    With ``json``, an anonymous caller gets a 401 JSON answer instead of the sign-in page.
    """

    def declare(view: F) -> F:
        setattr(view, REQUIRED_ROLE, role)
        setattr(view, ANSWERS_JSON, json)
        return view

    return declare


class AccessMixin:
    """Signed-in operators only; then each endpoint's declared role, never less than the view's."""

    # Roles for endpoints a library base class defines (``index_view``, ``create_view``…).
    library_endpoint_roles: ClassVar[dict[str, Role]] = {}
    # The least role anything in this view needs (the operator views: admin).
    minimum_role: ClassVar[Role] = Role.VIEWER

    def declared_role(self, endpoint: str) -> Role | None:
        """The role ``endpoint`` needs, or None when it declares none (then it is refused)."""
        method = getattr(type(self), endpoint, None)
        role = getattr(method, REQUIRED_ROLE, None) or self.library_endpoint_roles.get(endpoint)
        return None if role is None else higher(role, self.minimum_role)

    def allows(self, endpoint: str) -> bool:
        role = self.declared_role(endpoint)
        return role is not None and has_role(role)

    def is_accessible(self) -> bool:
        return has_role(self.minimum_role)

    def is_action_allowed(self, name: str) -> bool:
        handler = getattr(self, "_actions_data", {}).get(name)
        role = getattr(handler[0], REQUIRED_ROLE, None) if handler else None
        return role is not None and has_role(higher(role, self.minimum_role))

    # The one page an admin who must set up two-factor sign-in may use before doing so.
    TWO_FACTOR_SET_UP = "account"

    def _handle_view(self, name: str, **kwargs: Any) -> Any:
        operator = current_operator()
        if operator is None:
            return self._refuse_anonymous(name)
        if not self.allows(name):
            return abort(403)
        set_up_page = getattr(self, "endpoint", None) == self.TWO_FACTOR_SET_UP
        if two_factor.set_up_required(operator) and not set_up_page:
            flash("Set up two-factor sign-in to use the console.", "warning")
            return redirect(url_for(f"{self.TWO_FACTOR_SET_UP}.index"))
        return None

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Any:
        if current_operator() is None:
            return self._refuse_anonymous(name)
        return abort(403)

    def _refuse_anonymous(self, name: str) -> Any:
        if getattr(getattr(type(self), name, None), ANSWERS_JSON, False):
            return jsonify(error="sign in required"), 401
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
