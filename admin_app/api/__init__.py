"""Read-only JSON API: ``/api/v1/<model>`` lists with filters, search and pagination."""

from __future__ import annotations

from flask import Blueprint, Flask

from admin_app.api import views

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.add_url_rule("/<model_name>", "list_records", views.list_records)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
