"""Schemathesis over the OpenAPI document: every operation, in-process through WSGI, with an
editor's bearer token. No answer is a 5xx, and every answer has a documented status,
content type, headers and body schema.

Random ids find nothing, so a case is sometimes pointed at real records (its path id, the
ids in its body) and sent with ``If-Match: *``: then reads, changes, trashing and restores
answer too, and their bodies are checked against the document.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from admin_app.api.openapi import document
from admin_app.models import Role
from tests.factories import (
    CommentFactory,
    PostFactory,
    ProfileFactory,
    TagFactory,
    TaskFactory,
    UserFactory,
)
from tests.functional.api_client import Api, token_for

# The document the app serves at /api/v1/openapi.json (the first test checks it is the same);
# loading it at import lets Schemathesis make one test per operation and engine.
schema = schemathesis.openapi.from_dict(document())
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Fields of a body that name another record, and the resource they name.
REFERENCES = {
    "author_id": "users",
    "user_id": "users",
    "assignee_id": "users",
    "post_id": "posts",
    "parent_id": "comments",
}


@pytest.fixture
def wsgi(app: Flask) -> Any:
    """The app as a server runs it: each request in its own app context (and so its own
    database session), not in the one the test keeps pushed."""

    def application(environ: Any, start_response: Any) -> Any:
        with app.app_context():
            return app(environ, start_response)

    return application


@pytest.fixture
def editor(client: Any) -> Api:
    return token_for(client, Role.EDITOR, label="schemathesis")


@pytest.fixture
def known(session: Any, trash: Any) -> dict[str, dict[str, str]]:
    """Two records of each resource, resource -> id: ``live`` ones linked to each other, and
    ``trashed`` ones, each in a batch of its own (whose parents are live)."""
    comment = CommentFactory(post=PostFactory(tags=[TagFactory()]))
    post = comment.post
    live = {"posts": post, "tags": post.tags[0], "comments": comment, "users": post.author}
    live |= {"tasks": TaskFactory(post=post), "profiles": ProfileFactory()}
    trashed = {"posts": PostFactory(author=post.author), "tags": TagFactory()}
    trashed |= {"comments": CommentFactory(post=post), "users": UserFactory()}
    trashed |= {"tasks": TaskFactory(post=post), "profiles": ProfileFactory()}
    session.commit()
    for record in trashed.values():
        trash(record)
    return {
        "live": {resource: str(record.id) for resource, record in live.items()},
        "trashed": {resource: str(record.id) for resource, record in trashed.items()},
    }


def test_the_served_document_is_the_one_tested(client):
    assert client.get("/api/v1/openapi.json").get_json() == document()


def _aim(case: Any, known: dict[str, dict[str, str]], data: Any) -> None:
    """Point some of the case's ids at real records, and some writes at their current version."""
    resource, live = case.operation.path.split("/")[3], known["live"]
    if case.path_parameters and "id" in case.path_parameters and data.draw(st.booleans()):
        where = data.draw(st.sampled_from(["live", "trashed"]))
        case.path_parameters["id"] = known[where][resource]
    if isinstance(case.body, dict):
        for field, target in REFERENCES.items():
            if field in case.body and data.draw(st.booleans()):
                case.body[field] = live[target]
        if "tag_ids" in case.body and data.draw(st.booleans()):
            case.body["tag_ids"] = [live["tags"]]
    if case.operation.method.upper() in ("PATCH", "DELETE") and data.draw(st.booleans()):
        case.headers = {**(case.headers or {}), "If-Match": "*"}


@schema.parametrize()
@schema.given(data=st.data())
@settings(
    max_examples=10,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_answer_is_documented_and_none_is_a_server_error(
    case: Any, data: Any, wsgi: Any, editor: Api, known: dict[str, dict[str, str]]
) -> None:
    _aim(case, known, data)
    case.call_and_validate(app=wsgi, headers=editor.headers(), checks=CHECKS)


def test_a_real_record_is_what_the_document_says(wsgi, editor, known):
    # The run above reaches real records only by chance; this one always does, per resource.
    for resource, entity_id in known["live"].items():
        operation = schema[f"/api/v1/{resource}/{{id}}"]["GET"]
        case = operation.Case(path_parameters={"id": entity_id})
        response = case.call_and_validate(app=wsgi, headers=editor.headers(), checks=CHECKS)
        assert response.status_code == 200
    for resource, entity_id in known["trashed"].items():
        for method, path, query in (
            ("GET", f"/api/v1/{resource}/{{id}}", {"trashed": "only"}),
            ("POST", f"/api/v1/{resource}/{{id}}/restore", {}),
        ):
            case = schema[path][method].Case(path_parameters={"id": entity_id}, query=query)
            response = case.call_and_validate(app=wsgi, headers=editor.headers(), checks=CHECKS)
            assert response.status_code == 200, response.text
