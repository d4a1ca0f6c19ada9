"""The signed-in operator's own preferences: for now, the time zone times are shown in."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from werkzeug.wrappers import Response

from admin_app.admin.access import AccessMixin, requires
from admin_app.admin.clock import time_zones, zone_named
from admin_app.auth.roles import current_operator
from admin_app.extensions import db
from admin_app.models import Operator, Role


class PreferencesView(AccessMixin, BaseView):
    """Every operator edits their own preferences, and nobody else's."""

    def is_visible(self) -> bool:
        return False  # reached from the user name in the navigation bar

    @expose("/", methods=["GET", "POST"])
    @requires(Role.VIEWER)
    def index(self) -> str | Response:
        operator = current_operator()
        if operator is None:  # AccessMixin lets only signed-in operators this far
            abort(401)
        if request.method == "POST":
            return self._save(operator, request.form.get("time_zone", ""))
        return str(self.render("admin/preferences.html", operator=operator, zones=time_zones()))

    def _save(self, operator: Operator, name: str) -> Response:
        try:
            zone_named(name)
        except ValueError:
            flash("Not saved: choose a time zone from the list.", "error")
            return redirect(url_for(".index"))
        # Changed on the row itself, so the audit entry names the operator and the field.
        record = db.session.get(Operator, operator.id)
        if record is not None and record.time_zone != name:
            record.time_zone = name
            db.session.commit()
        flash(f"Times are now shown in {name}.", "success")
        return redirect(url_for(".index"))
