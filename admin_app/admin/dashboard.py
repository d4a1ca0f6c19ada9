"""The console home: live and trashed counts per model."""

from __future__ import annotations

from typing import Any

from flask import redirect, request, url_for
from flask_admin import AdminIndexView, expose

from admin_app.auth.roles import current_operator
from admin_app.extensions import db
from admin_app.models import DOMAIN_MODELS
from admin_app.models.counts import model_counts


class DashboardView(AdminIndexView):
    def is_accessible(self) -> bool:
        return current_operator() is not None

    def inaccessible_callback(self, name: Any, **kwargs: Any) -> Any:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    @expose("/")
    def index(self) -> str:
        counts = model_counts(db.session, list(DOMAIN_MODELS))
        rows = [
            (model.__name__, model.__name__.lower(), counts[model.__tablename__])
            for model in DOMAIN_MODELS
        ]
        return self.render("admin/dashboard.html", rows=rows)
