"""API paging at depth: ``?cursor=`` walks any list through ``links.next``, ``?page=`` stops
at a documented depth with a 400, and totals above the threshold are marked as estimates."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import event, text

from admin_app.columns import utc_now
from admin_app.config import settings_of
from admin_app.extensions import db
from admin_app.models import Role
from admin_app.trash import soft_delete
from tests.factories import CommentFactory, PostFactory, TaskFactory


@pytest.fixture
def viewer(as_role: Any) -> Any:
    return as_role(Role.VIEWER)


@pytest.fixture
def shallow(app: Any) -> Any:
    """Lower the count threshold and the page depth for the test's handful of rows."""
    lists = settings_of(app)["lists"]
    saved = dict(lists)
    lists.update(count_threshold=4, max_offset_rows=4)
    yield
    lists.update(saved)


def _get(client: Any, url: str, **params: Any) -> Any:
    return client.get(url, query_string=params)


def _walk(client: Any, url: str, **params: Any) -> list[str]:
    seen: list[str] = []
    page = _get(client, url, cursor="", **params).get_json()
    while True:
        seen += [item["id"] for item in page["items"]]
        if page["links"]["next"] is None:
            return seen
        assert page["next"] == page["links"]["next"]
        page = client.get(page["links"]["next"]).get_json()


@pytest.mark.parametrize("sort", ["-created_at", "created_at", "title", "-published_at"])
def test_cursor_pages_visit_every_row_once_in_order(client, session, viewer, sort):
    now = utc_now()
    # Equal sort values and NULLs: the id must break ties, NULLs must not be lost.
    for n in range(7):
        PostFactory(title=f"Same {n % 2}", published_at=None if n % 3 == 0 else now)
    session.commit()
    expected = [
        item["id"]
        for item in _get(client, "/api/v1/posts", sort=sort, per_page=100).get_json()["items"]
    ]
    assert _walk(client, "/api/v1/posts", sort=sort, per_page=2) == expected
    assert len(expected) == 7


def test_a_cursor_keeps_the_filters_and_refuses_another_sort(client, session, viewer):
    for n in range(5):
        TaskFactory(priority=1 + n % 2, due_at=utc_now() + timedelta(days=n))
    session.commit()
    walked = _walk(client, "/api/v1/tasks", priority="1", sort="due_at", per_page=1)
    assert len(walked) == 3
    first = _get(client, "/api/v1/tasks", sort="due_at", per_page=1, cursor="").get_json()
    cursor = parse_qs(urlsplit(first["links"]["next"]).query)["cursor"][0]
    other = _get(client, "/api/v1/tasks", sort="title", cursor=cursor)
    assert other.status_code == 400
    assert "sort" in other.get_json()["detail"]
    garbage = _get(client, "/api/v1/tasks", cursor="not-a-cursor")
    assert garbage.status_code == 400


def test_page_numbers_stop_at_the_documented_depth(client, session, viewer, shallow):
    PostFactory.create_batch(8)
    session.commit()
    assert _get(client, "/api/v1/posts", per_page=2, page=3).status_code == 200
    deep = _get(client, "/api/v1/posts", per_page=2, page=4)
    assert deep.status_code == 400
    assert "cursor" in deep.get_json()["detail"]


def test_a_total_above_the_threshold_says_it_is_not_exact(client, session, viewer, shallow):
    PostFactory.create_batch(6)
    session.commit()
    page = _get(client, "/api/v1/posts", per_page=2).get_json()
    # The threshold as a floor, or the planner's estimate when statistics exist.
    assert page["total_is_exact"] is False
    assert page["total"] >= 4
    assert page["links"]["next"] is not None
    assert len(_walk(client, "/api/v1/posts", per_page=2)) == 6
    few = _get(client, "/api/v1/posts", per_page=2, id="00000000-0000-0000-0000-000000000000")
    assert (few.get_json()["total"], few.get_json()["total_is_exact"]) == (0, True)


def test_totals_above_the_threshold_count_the_rows_listed(client, session, as_role, shallow):
    """The trash's total is the trashed rows', not the live ones' estimate; a cursor page's
    total is the same figure as a numbered page's, from the planner, not from counting."""
    as_role(Role.EDITOR)
    PostFactory.create_batch(9)
    soft_delete(session, PostFactory.create_batch(6))
    session.commit()
    postgresql = session.get_bind().dialect.name == "postgresql"
    if postgresql:
        session.execute(text("ANALYZE posts"))  # what the planner knows is what it estimates
        session.commit()
    trashed = _get(client, "/api/v1/posts", trashed="only", per_page=2).get_json()
    live = _get(client, "/api/v1/posts", per_page=2).get_json()
    by_cursor = _get(client, "/api/v1/posts", per_page=2, cursor="").get_json()
    assert trashed["total_is_exact"] is live["total_is_exact"] is False
    assert (by_cursor["total"], by_cursor["total_is_exact"]) == (live["total"], False)
    if postgresql:
        assert (trashed["total"], live["total"]) == (6, 9)
    else:  # no planner statistics: the threshold's floor, for both
        assert trashed["total"] == live["total"] == 4


@pytest.mark.parametrize("paging", [{"page": 1}, {"cursor": ""}, {"q": "wombat", "page": 1}])
def test_a_total_counts_ids_not_whole_rows(client, session, viewer, paging):
    """Counted as whole rows, SQLite read every counted record, bodies and all."""
    PostFactory.create_batch(3, title="Wombat")
    session.commit()
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        assert _get(client, "/api/v1/posts", **paging).get_json()["total"] == 3
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    counts = [s for s in statements if "count(*)" in s]
    assert len(counts) == 1
    assert "posts.body" not in counts[0]


# --- sorting by stored counters (the hybrids the console sorts by) ------------------------


def _posts_with_comments(session: Any, counts: list[int]) -> None:
    for n, count in enumerate(counts):
        post = PostFactory(title=f"Counted {n}", body=" ".join(["word"] * (250 * n + 1)))
        for _ in range(count):
            CommentFactory(post=post)
    session.commit()


@pytest.mark.parametrize(
    "sort", ["comment_count", "-comment_count", "reading_minutes", "-reading_minutes"]
)
def test_stored_counters_sort_and_cursor_pages_follow_them(client, session, viewer, sort):
    # Equal counts on purpose: the id breaks the ties, pages neither repeat nor skip.
    _posts_with_comments(session, [2, 0, 1, 2, 0, 3, 1])
    name = sort.removeprefix("-")
    items = _get(client, "/api/v1/posts", sort=sort, per_page=100).get_json()["items"]
    values = [item[name] for item in items]
    assert values == sorted(values, reverse=sort.startswith("-"))
    assert len(set(values)) > 1
    assert _walk(client, "/api/v1/posts", sort=sort, per_page=2) == [i["id"] for i in items]


def test_shallow_pages_continue_by_cursor_on_a_counter_sort(client, session, viewer):
    _posts_with_comments(session, [1, 3, 2, 0])
    first = _get(client, "/api/v1/posts", sort="-comment_count", per_page=2).get_json()
    assert [item["comment_count"] for item in first["items"]] == [3, 2]
    rest = client.get(first["links"]["next"]).get_json()
    assert [item["comment_count"] for item in rest["items"]] == [1, 0]


@pytest.mark.parametrize(
    ("path", "sort"),
    [("/api/v1/users", "-post_count"), ("/api/v1/tags", "post_count")],
)
def test_post_counts_sort_users_and_tags(client, session, viewer, path, sort):
    author = PostFactory().author
    PostFactory(author=author)
    session.commit()
    items = _get(client, path, sort=sort, per_page=100).get_json()["items"]
    values = [item["post_count"] for item in items]
    assert values == sorted(values, reverse=sort.startswith("-"))


def test_reply_count_sorts_comments(client, session, viewer):
    parent = CommentFactory()
    CommentFactory(post=parent.post, parent=parent)
    session.commit()
    items = _get(client, "/api/v1/comments", sort="-reply_count").get_json()["items"]
    assert [item["reply_count"] for item in items] == [1, 0]


@pytest.mark.parametrize(
    ("path", "sort"),
    [
        ("/api/v1/posts", "is_published"),
        ("/api/v1/users", "full_name"),
        ("/api/v1/tasks", "-is_overdue"),
        ("/api/v1/posts", "stored_comment_count"),
    ],
)
def test_computed_hybrids_are_not_sort_keys_and_the_400_names_the_keys(client, viewer, path, sort):
    response = _get(client, path, sort=sort)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    detail = response.get_json()["detail"]
    assert sort.removeprefix("-") in detail
    assert "created_at" in detail
    if path == "/api/v1/posts":
        assert "comment_count" in detail
        assert "reading_minutes" in detail


def test_a_search_with_a_sort_orders_the_matches_by_it_and_pages_by_cursor(client, session, viewer):
    # Without sort= the best match comes first; a script that asks for an order gets it.
    _posts_with_comments(session, [1, 3, 0, 2])
    PostFactory(title="Unrelated", body="nothing to find")
    session.commit()
    found = _get(client, "/api/v1/posts", q="word", sort="-comment_count").get_json()
    assert [item["comment_count"] for item in found["items"]] == [3, 2, 1, 0]
    walked = _walk(client, "/api/v1/posts", q="word", sort="-comment_count", per_page=1)
    assert walked == [item["id"] for item in found["items"]]
    refused = _get(client, "/api/v1/posts", q="word", sort="is_published")
    assert refused.status_code == 400
    assert "comment_count" in refused.get_json()["detail"]
