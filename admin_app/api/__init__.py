"""The JSON API under ``/api/v1``: token or session credentials, problem+json errors."""

from __future__ import annotations

from flask import Blueprint, Flask

from admin_app.api import credentials, openapi, problems, resources, views
from admin_app.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Registered first: fixed paths win over /<model_name>.
bp.add_url_rule("/openapi.json", "openapi_json", openapi.openapi_json)
bp.add_url_rule("/docs", "docs", openapi.docs)
bp.add_url_rule("/<model_name>", "list_records", views.list_records)
bp.add_url_rule("/<model_name>", "create_record", resources.create_record, methods=["POST"])
ONE = "/<model_name>/<entity_id>"
bp.add_url_rule(ONE, "show_record", resources.show_record)
bp.add_url_rule(ONE, "update_record", resources.update_record, methods=["PATCH"])
bp.add_url_rule(ONE, "delete_record", resources.delete_record, methods=["DELETE"])
bp.add_url_rule(f"{ONE}/restore", "restore_record", resources.restore_record, methods=["POST"])
bp.url_value_preprocessor(credentials.authenticate)
bp.before_request(credentials.name_the_token)
# Bearer requests need no CSRF token; session writes are checked in access.api_role.
csrf.exempt(bp)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    # More specific than the console's HTTPException handler, so the per-field errors and
    # headers an API view chose reach the client as they are.
    app.register_error_handler(problems.ApiProblem, problems.ApiProblem.get_response)
    app.after_request(problems.as_problem)
