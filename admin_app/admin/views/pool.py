"""The live pool panel at /admin/pool/ and its data at /admin/pool/stats.json."""

from __future__ import annotations

from flask import jsonify
from flask_admin import BaseView, expose
from werkzeug.wrappers import Response

from admin_app.admin.access import AccessMixin, requires
from admin_app.database import pool_monitor as monitor
from admin_app.models import Role


class PoolView(AccessMixin, BaseView):
    """Viewers and up; the data never needs a connection from the app's pool."""

    @expose("/")
    @requires(Role.VIEWER)
    def index(self) -> str:
        server = monitor().server()
        return self.render("admin/pool.html", server=server, stats=monitor().stats(server))

    @expose("/stats.json")
    @requires(Role.VIEWER, json=True)
    def stats(self) -> Response:
        server = monitor().server()
        return jsonify({**monitor().stats(server), "server": server})
