"""The live pool panel at /admin/pool/ and its data at /admin/pool/stats.json."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_admin import BaseView, expose
from werkzeug.wrappers import Response

from admin_app.admin.base import SecureModelView
from admin_app.auth.roles import current_operator, has_role
from admin_app.database import pool_monitor as monitor
from admin_app.models import Role


class PoolView(BaseView):
    """Viewers and up; the data never needs a connection from the app's pool."""

    def is_accessible(self) -> bool:
        return has_role(Role.VIEWER)

    def inaccessible_callback(self, name: Any, **kwargs: Any) -> Any:
        if name == "stats" and current_operator() is None:
            return jsonify(error="sign in required"), 401
        return SecureModelView.inaccessible_callback(self, name, **kwargs)  # type: ignore[arg-type]

    @expose("/")
    def index(self) -> str:
        return self.render("admin/pool.html", server=monitor().server(), stats=monitor().stats())

    @expose("/stats.json")
    def stats(self) -> Response:
        return jsonify({**monitor().stats(), "server": monitor().server()})
