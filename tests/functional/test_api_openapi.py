"""The OpenAPI 3.1 document and its docs page; responses match the models that wrote it,
and no body a script might send makes the API answer 5xx (a Hypothesis run per resource)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from admin_app.api import schemas
from admin_app.models import Role
from tests.factories import PostFactory, TagFactory, UserFactory
from tests.functional.api_client import PROBLEM, token_for

RESOURCES = tuple(schemas.WRITABLE)


def test_the_document_is_public_and_names_every_operation(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"] == "3.1.0"
    for resource in RESOURCES:
        item = doc["paths"][f"/api/v1/{resource}/{{id}}"]
        assert {"get", "patch", "delete"} <= set(item)
        assert "post" in doc["paths"][f"/api/v1/{resource}/{{id}}/restore"]
        assert {"get", "post"} <= set(doc["paths"][f"/api/v1/{resource}"])


def test_request_schemas_are_the_validators(client):
    components = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    post = components["PostCreate"]
    assert post["additionalProperties"] is False  # unknown fields are refused
    assert set(post["required"]) == {"title", "author_id"}
    assert "slug" not in post["properties"]  # generated, read-only
    assert "slug" in components["Post"]["properties"]
    assert components["PostCreate"] == schemas.CREATE["posts"].model_json_schema(
        ref_template="#/components/schemas/{model}"
    )


def test_the_docs_page_is_served_here_without_scripts(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "/api/v1/posts/{id}/restore" in page
    assert "<script" not in page
    assert "https://" not in page


@pytest.mark.parametrize("resource", RESOURCES)
def test_answers_match_the_documented_models(client, session, resource):
    post, user = PostFactory(tags=[TagFactory()]), UserFactory()
    session.commit()
    api = token_for(client, Role.EDITOR)
    made = api.post(resource, _valid_body(resource, post, user))
    assert made.status_code == 201, made.get_json()
    read = schemas.READ[resource]
    read.model_validate(made.get_json())
    read.model_validate(api.get(f"{resource}/{made.get_json()['id']}").get_json())
    for item in api.get(resource).get_json()["items"]:
        read.model_validate(item)


def _valid_body(resource: str, post: Any, user: Any) -> dict[str, Any]:
    return {
        "users": {"username": "new-user", "email": "new@example.org"},
        "profiles": {"user_id": str(user.id), "bio": "Hi"},
        "posts": {"title": "New", "author_id": str(user.id), "tag_ids": [str(post.tags[0].id)]},
        "tags": {"name": "new tag"},
        "comments": {"body": "Yes", "author_id": str(user.id), "post_id": str(post.id)},
        "tasks": {"title": "Do", "assignee_id": str(user.id), "due_at": "2030-01-01T00:00:00Z"},
    }[resource]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=5,
)


def _bodies(resource: str) -> Any:
    names = [*schemas.WRITABLE[resource], "id", "slug", "version", "other"]
    values = JSON_VALUES | st.uuids().map(str) | st.just("2030-01-01T00:00:00Z")
    return st.dictionaries(st.sampled_from(names), values, max_size=6)


@pytest.mark.parametrize("resource", RESOURCES)
def test_no_body_makes_the_api_fail(client, session, resource):
    api = token_for(client, Role.EDITOR)
    tag = TagFactory()
    session.commit()

    @settings(
        max_examples=20,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(body=_bodies(resource))
    def check(body: dict[str, Any]) -> None:
        for response in (
            api.post(resource, body),
            api.patch(
                f"tags/{tag.id}" if resource == "tags" else f"{resource}/{uuid.uuid4()}", body, "*"
            ),
        ):
            assert response.status_code < 500, (body, response.get_data()[:300])
            if response.status_code >= 400:
                assert response.mimetype == PROBLEM
            elif response.status_code in (200, 201):
                schemas.READ[resource].model_validate(response.get_json())

    check()


def _list_params(resource: str, doc: dict[str, Any]) -> Any:
    """Query strings over the list's documented parameters, plus filters on its fields."""
    documented = [p["name"] for p in doc["paths"][f"/api/v1/{resource}"]["get"]["parameters"]]
    names = [*documented, *schemas.WRITABLE[resource], "is_overdue", "nothing"]
    values = st.text(max_size=12) | st.integers(-3, 200).map(str) | st.just("only")
    return st.dictionaries(st.sampled_from(names), values, max_size=4)


@pytest.mark.parametrize("resource", RESOURCES)
def test_no_documented_list_parameter_makes_the_api_fail(client, session, resource):
    api = token_for(client, Role.EDITOR)
    PostFactory(tags=[TagFactory()])
    session.commit()
    doc = client.get("/api/v1/openapi.json").get_json()
    page = schemas.READ[resource]

    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(params=_list_params(resource, doc))
    def check(params: dict[str, str]) -> None:
        response = api.get(resource, **params)
        assert response.status_code < 500, (params, response.get_data()[:300])
        if response.status_code >= 400:
            assert response.mimetype == PROBLEM
            return
        body = response.get_json()
        assert {"items", "per_page", "total", "links"} <= set(body)
        for item in body["items"]:
            page.model_validate(item)

    check()
