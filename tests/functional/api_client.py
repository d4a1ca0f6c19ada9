"""A script's view of the API in tests: an operator, a bearer token, JSON in and out."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from admin_app.extensions import db
from admin_app.models import Operator, Role
from admin_app.models.tokens import issue_token
from tests.conftest import make_operator

PROBLEM = "application/problem+json"


class Api:
    """Requests with ``Authorization: Bearer``; ``etag`` and ``problem`` read the answers."""

    def __init__(self, client: FlaskClient, secret: str, operator: Operator) -> None:
        self.client, self.secret, self.operator = client, secret, operator

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}", **(extra or {})}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1/{path}", query_string=params, headers=self.headers())

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.client.post(f"/api/v1/{path}", json=body, headers=self.headers(), **kwargs)

    def patch(self, path: str, body: Any, if_match: str | None = None) -> Any:
        extra = {"If-Match": if_match} if if_match is not None else {}
        return self.client.patch(f"/api/v1/{path}", json=body, headers=self.headers(extra))

    def delete(self, path: str, if_match: str | None = None, **params: Any) -> Any:
        extra = {"If-Match": if_match} if if_match is not None else {}
        return self.client.delete(
            f"/api/v1/{path}", query_string=params, headers=self.headers(extra)
        )


def token_for(
    client: FlaskClient, role: Role, *, label: str = "script", read_only: bool = False
) -> Api:
    operator = db.session.query(Operator).filter_by(username=f"{role.value}-api").first()
    operator = operator or make_operator(f"{role.value}-api", role)
    _, secret = issue_token(db.session, operator, label=label, read_only=read_only)
    db.session.commit()
    return Api(client, secret, operator)


def problem(response: Any, status: int) -> dict[str, Any]:
    """The problem document of ``response``, which must have ``status``."""
    assert response.status_code == status, (response.status_code, response.get_data()[:400])
    assert response.mimetype == PROBLEM, response.get_data()[:200]
    body = response.get_json()
    assert body["status"] == status
    assert {"type", "title", "status", "detail", "errors"} <= set(body)
    return body
