"""The read-only JSON API: sign-in, page shape, soft-delete scoping, filters, errors."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from admin_app.models import Role
from tests.factories import (
    CommentFactory,
    PostFactory,
    ProfileFactory,
    TagFactory,
    TaskFactory,
    UserFactory,
)

MODELS = ("users", "profiles", "posts", "tags", "comments", "tasks")
PAGE_KEYS = {
    "items",
    "page",
    "per_page",
    "total",
    "total_is_exact",
    "pages",
    "next",
    "prev",
    "links",
}
NEVER_SHOWN = {"deleted_at", "delete_batch", "deleted_by", "password", "password_hash"}


@pytest.fixture
def viewer(as_role: Any) -> Any:
    return as_role(Role.VIEWER)


def _ok(client: FlaskClient, path: str, **params: Any) -> dict[str, Any]:
    response = client.get(path, query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.is_json
    return response.get_json()


def _refused(client: FlaskClient, path: str, **params: Any) -> str:
    response = client.get(path, query_string=params)
    assert response.status_code == 400, (params, response.status_code)
    assert response.is_json, response.get_data(as_text=True)[:300]
    error = response.get_json()["detail"]
    assert isinstance(error, str)
    assert error
    return error


def _ids(page: dict[str, Any]) -> set[str]:
    return {item["id"] for item in page["items"]}


# --- access -------------------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS)
def test_anonymous_caller_gets_json_401(client, model):
    response = client.get(f"/api/v1/{model}")
    assert response.status_code == 401
    assert response.is_json
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 401


def test_unknown_model_is_json_404(client, viewer):
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404
    assert response.is_json
    assert "nothing" in response.get_json()["detail"]


def test_operators_are_not_exposed(client, viewer):
    response = client.get("/api/v1/operators")
    assert response.status_code == 404
    assert "password" not in response.get_data(as_text=True)


# --- page shape and scoping ---------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS)
def test_viewer_gets_the_page_shape(client, session, viewer, model):
    TaskFactory(post=PostFactory(tags=[TagFactory()]))
    CommentFactory()
    ProfileFactory()
    session.commit()
    page = _ok(client, f"/api/v1/{model}")
    assert set(page) == PAGE_KEYS
    assert page["page"] == 1
    assert page["per_page"] == 20
    assert page["total"] == len(page["items"]) >= 1
    assert page["pages"] == 1
    assert page["next"] is None
    assert page["prev"] is None
    for item in page["items"]:
        uuid.UUID(item["id"])
        assert "created_at" in item
        assert not NEVER_SHOWN & set(item)


def test_pages_link_to_each_other(client, session, viewer):
    for _ in range(5):
        PostFactory()
    session.commit()
    first = _ok(client, "/api/v1/posts", per_page=2)
    assert (first["total"], first["pages"], first["next"], first["prev"]) == (5, 3, 2, None)
    middle = _ok(client, "/api/v1/posts", per_page=2, page=2)
    assert (middle["next"], middle["prev"]) == (3, 1)
    last = _ok(client, "/api/v1/posts", per_page=2, page=3)
    assert (len(last["items"]), last["next"], last["prev"]) == (1, None, 2)
    seen = _ids(first) | _ids(middle) | _ids(last)
    assert len(seen) == 5
    beyond = client.get("/api/v1/posts", query_string={"per_page": 2, "page": 4})
    assert beyond.status_code == 404
    assert "3 page(s)" in beyond.get_json()["detail"]


@pytest.mark.parametrize("model", ["users", "posts", "tags", "comments", "tasks"])
def test_items_never_contain_trashed_rows(client, session, viewer, model, trash):
    factory = {
        "users": UserFactory,
        "posts": PostFactory,
        "tags": TagFactory,
        "comments": CommentFactory,
        "tasks": TaskFactory,
    }[model]
    kept, gone = factory(), factory()
    session.commit()
    kept_id, gone_id = str(kept.id), str(gone.id)
    trash(gone)
    page = _ok(client, f"/api/v1/{model}")
    assert kept_id in _ids(page)
    assert gone_id not in _ids(page)
    assert _ok(client, f"/api/v1/{model}", id=gone_id)["items"] == []


def test_trashed_rows_stay_hidden_from_filters_and_search(client, session, viewer, trash):
    author = UserFactory()
    kept = PostFactory(author=author, title="Pooling kept")
    gone = PostFactory(author=author, title="Pooling gone")
    session.commit()
    kept_id, author_id = str(kept.id), str(author.id)
    trash(gone)
    by_author = _ok(client, "/api/v1/posts", author_id=author_id)
    assert _ids(by_author) == {kept_id}
    assert by_author["total"] == 1
    found = _ok(client, "/api/v1/posts", q="pooling")
    assert _ids(found) == {kept_id}
    assert found["total"] == 1


@pytest.mark.parametrize("model", MODELS)
def test_hidden_columns_cannot_be_filtered_or_sorted_on(client, viewer, model):
    for name in ("deleted_at", "delete_batch", "deleted_by"):
        assert name in _refused(client, f"/api/v1/{model}", **{name: "x"})
        assert name in _refused(client, f"/api/v1/{model}", sort=name)


# --- filters, search, sort ----------------------------------------------------------------


def test_filter_by_boolean_column(client, session, viewer):
    active, inactive = UserFactory(), UserFactory(is_active=False)
    session.commit()
    assert _ids(_ok(client, "/api/v1/users", is_active="false")) == {str(inactive.id)}
    assert _ids(_ok(client, "/api/v1/users", is_active="true")) == {str(active.id)}


def test_filter_by_uuid_column(client, session, viewer):
    mine, theirs = UserFactory(), UserFactory()
    first, second = PostFactory(author=mine), PostFactory(author=mine)
    PostFactory(author=theirs)
    session.commit()
    page = _ok(client, "/api/v1/posts", author_id=str(mine.id))
    assert _ids(page) == {str(first.id), str(second.id)}
    assert all(item["author_id"] == str(mine.id) for item in page["items"])


def test_filter_by_integer_column(client, session, viewer):
    urgent = TaskFactory(priority=4)
    TaskFactory(priority=1)
    session.commit()
    assert _ids(_ok(client, "/api/v1/tasks", priority="4")) == {str(urgent.id)}


def test_filter_by_datetime_column(client, session, viewer):
    moment = datetime(2026, 9, 4, 9, 0, tzinfo=UTC)
    wanted = PostFactory(published_at=moment)
    PostFactory()
    session.commit()
    page = _ok(client, "/api/v1/posts", published_at=moment.isoformat())
    assert _ids(page) == {str(wanted.id)}


def test_filters_combine(client, session, viewer):
    author = UserFactory()
    wanted = PostFactory(author=author, title="Alpha")
    PostFactory(author=author, title="Beta")
    PostFactory(title="Alpha")
    session.commit()
    page = _ok(client, "/api/v1/posts", author_id=str(author.id), title="Alpha")
    assert _ids(page) == {str(wanted.id)}


def test_full_text_search(client, session, viewer):
    hit = PostFactory(title="Tuning the connection pool", body="Threads and waits.")
    body_hit = PostFactory(title="Other", body="Why the pool ran dry at noon.")
    PostFactory(title="Unrelated", body="Slugs and unicode.")
    session.commit()
    page = _ok(client, "/api/v1/posts", q="pool")
    assert _ids(page) == {str(hit.id), str(body_hit.id)}
    assert page["total"] == 2


@pytest.mark.parametrize("query", ['"unclosed', "OR", "*", "NEAR(a", "a AND", "100%", "-", "_"])
def test_search_syntax_in_the_query_is_plain_text(client, session, viewer, query):
    PostFactory(title="Plain words only")
    session.commit()
    assert _ok(client, "/api/v1/posts", q=query)["items"] == []


def test_search_on_a_model_without_full_text_is_a_400(client, viewer):
    _refused(client, "/api/v1/tags", q="python")


def test_sort_by_created_at_descending_and_ascending(client, session, viewer):
    base = datetime(2026, 1, 1, tzinfo=UTC)
    posts = [PostFactory(created_at=base + timedelta(days=n)) for n in range(3)]
    session.commit()
    expected = [str(post.id) for post in posts]
    newest_first = _ok(client, "/api/v1/posts", sort="-created_at")
    assert [item["id"] for item in newest_first["items"]] == expected[::-1]
    oldest_first = _ok(client, "/api/v1/posts", sort="created_at")
    assert [item["id"] for item in oldest_first["items"]] == expected
    default = _ok(client, "/api/v1/posts")
    assert [item["id"] for item in default["items"]] == expected[::-1]


# --- bad parameters: 400 naming the parameter, never 500 ----------------------------------


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "two"}, "page"),
        ({"page": "1.5"}, "page"),
        ({"per_page": "0"}, "per_page"),
        ({"per_page": "lots"}, "per_page"),
        ({"bogus": "1"}, "bogus"),
        ({"author_id": "not-a-uuid"}, "author_id"),
        ({"id": "123"}, "id"),
        ({"sort": "bogus"}, "bogus"),
        ({"published_at": "yesterday"}, "published_at"),
    ],
)
def test_bad_post_parameters_are_400_naming_the_parameter(client, viewer, params, named):
    assert named in _refused(client, "/api/v1/posts", **params)


@pytest.mark.parametrize(
    ("path", "params", "named"),
    [
        ("/api/v1/users", {"is_active": "maybe"}, "is_active"),
        ("/api/v1/users", {"is_active": ""}, "is_active"),
        ("/api/v1/tasks", {"priority": "high"}, "priority"),
        ("/api/v1/tasks", {"due_at": "soon"}, "due_at"),
    ],
)
def test_bad_filter_values_are_400_naming_the_parameter(client, viewer, path, params, named):
    assert named in _refused(client, path, **params)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/posts", {"page": "99999999999999999999"}),
        ("/api/v1/tasks", {"priority": "99999999999999999999"}),
        ("/api/v1/posts", {"published_at": "2026-09-04T09:00:00"}),
        ("/api/v1/users", {"username": "a\x00b"}),
        ("/api/v1/posts", {"q": "a\x00b"}),
    ],
    ids=["huge-page", "huge-int", "naive-datetime", "nul-in-filter", "nul-in-search"],
)
def test_hostile_values_never_cause_a_500(client, session, viewer, path, params):
    PostFactory()
    TaskFactory()
    session.commit()
    response = client.get(path, query_string=params)
    assert response.status_code in (200, 400), response.status_code
    assert response.is_json
    if response.status_code == 400:
        assert next(iter(params)) in response.get_json()["detail"]


def test_per_page_above_the_maximum_is_refused_not_capped(client, viewer):
    assert "at most 100" in _refused(client, "/api/v1/tags", per_page="1000")


def test_per_page_is_honoured_below_the_maximum(client, session, viewer):
    for _ in range(3):
        TagFactory()
    session.commit()
    page = _ok(client, "/api/v1/tags", per_page="2")
    assert page["per_page"] == 2
    assert len(page["items"]) == 2
    assert page["pages"] == 2
