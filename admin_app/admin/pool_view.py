"""The live pool panel at /admin/pool/ and its data at /admin/pool/stats.json."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, jsonify
from flask_admin import BaseView, expose
from werkzeug.wrappers import Response

from admin_app.admin.base import SecureModelView
from admin_app.auth.roles import current_operator, has_role
from admin_app.config import settings_of
from admin_app.extensions import db
from admin_app.models import Role
from admin_app.pool import PoolMonitor

MONITOR_KEY = "admin_app.pool"


def init_monitor(app: Flask) -> None:
    with app.app_context():
        threads = settings_of(app)["server"]["threads"]
        app.extensions[MONITOR_KEY] = PoolMonitor(db.engine, threads=threads)


def monitor() -> PoolMonitor:
    return current_app.extensions[MONITOR_KEY]  # type: ignore[no-any-return]


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
