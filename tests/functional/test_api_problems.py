"""Every error under /api/ is an RFC 9457 problem document, whoever answers it: never HTML."""

from __future__ import annotations

import pytest

from admin_app.config import settings_of
from admin_app.models import Role
from tests.factories import TagFactory
from tests.functional.api_client import problem, token_for


@pytest.mark.parametrize("path", ["/api/v1/nothing/here/at/all", "/api/v2/posts", "/api/"])
def test_an_unknown_api_path_is_a_404_problem(client, path):
    body = problem(client.get(path), 404)
    assert body["instance"] == path
    assert body["type"].endswith("/not-found")


def test_a_method_the_path_does_not_take_is_405_with_allow(client, session):
    api = token_for(client, Role.EDITOR)
    tag = TagFactory()
    session.commit()
    response = api.client.put(f"/api/v1/tags/{tag.id}", json={}, headers=api.headers())
    problem(response, 405)
    assert {"GET", "PATCH", "DELETE"} <= set(response.headers["Allow"].replace(" ", "").split(","))


def test_a_body_over_the_limit_is_413(app, client):
    api = token_for(client, Role.EDITOR)
    size = settings_of(app)["server"]["max_body_bytes"] + 1
    response = api.client.post(
        "/api/v1/tags", data="x" * size, content_type="application/json", headers=api.headers()
    )
    problem(response, 413)


def test_a_bad_query_parameter_is_a_400_problem(client):
    api = token_for(client, Role.VIEWER)
    body = problem(api.get("tags", per_page="many"), 400)
    assert "per_page" in body["detail"]


def test_a_hybrid_filters_the_list(client, session):
    api = token_for(client, Role.VIEWER)
    assert api.get("tasks", is_overdue="true").status_code == 200
    problem(api.get("tasks", is_overdue="maybe"), 400)


def test_an_unknown_id_is_404_and_a_malformed_one_too(client):
    api = token_for(client, Role.VIEWER)
    problem(api.get("tags/0190e6a0-0000-7000-8000-000000000000"), 404)
    problem(api.get("tags/not-an-id"), 404)
