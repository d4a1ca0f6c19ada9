"""A search's count never reads every match: the list's first rows show how dense the
matches are. Dense, the count is an estimate ("about …" or "N+") and the page is found
among those rows; sparse, the matches are few enough to count exactly, and rank."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from admin_app.admin import lists
from admin_app.columns import utc_now
from admin_app.config import settings_of
from admin_app.models import Role, estimates
from tests.factories import PostFactory
from tests.functional.admin.pages import get_page, list_count, listed
from tests.functional.admin.test_scale_plans import _statements


@pytest.fixture
def posts(session: Any, monkeypatch: Any) -> None:
    """Thirty posts, newest first; every second one is about vacuum, one about zeppelins."""
    monkeypatch.setattr(estimates, "SAMPLE_ROWS", 10)
    monkeypatch.setattr(estimates, "DENSE_HITS", 3)
    start = utc_now()
    for n in range(30):
        topic = "vacuum" if n % 2 == 0 else "autumn"
        if n == 29:
            topic = "zeppelin"
        PostFactory(title=f"{topic} {n:02}", body=topic, created_at=start - timedelta(minutes=n))
    session.commit()


def test_a_dense_search_is_estimated_and_keeps_the_list_order(client, as_role, posts):
    as_role(Role.VIEWER)
    page = get_page(client, "/admin/post/", search="vacuum")
    # Five matches in the first ten rows: dense. Fifteen match in all; the page says so
    # only as an estimate or a floor, never by counting them.
    assert re.search(r"List \((about [\d,]+|5\+)\)", page)
    assert listed(page, "title") == [f"vacuum {n:02}" for n in range(0, 30, 2)]


def test_a_sparse_search_is_counted_exactly(client, as_role, posts):
    as_role(Role.VIEWER)
    page = get_page(client, "/admin/post/", search="zeppelin")
    assert list_count(page) == 1
    assert listed(page, "title") == ["zeppelin 29"]


def test_a_list_shorter_than_the_sample_is_counted_by_it(client, as_role, posts, monkeypatch):
    monkeypatch.setattr(estimates, "SAMPLE_ROWS", 100)
    as_role(Role.VIEWER)
    assert list_count(get_page(client, "/admin/post/", search="vacuum")) == 15


@pytest.mark.parametrize(
    ("search", "titles"),
    [
        ("vacuum ", [f"vacuum {n:02}" for n in range(0, 30, 2)]),
        ('"vacuum"', [f"vacuum {n:02}" for n in range(0, 30, 2)]),
        ("vacuum -zeppelin", [f"vacuum {n:02}" for n in range(0, 30, 2)]),
        ("autumn -vacuum", [f"autumn {n:02}" for n in range(1, 29, 2)]),
        ("vacu", [f"vacuum {n:02}" for n in range(0, 30, 2)]),  # a prefix: never per row
    ],
)
def test_a_word_in_more_rows_than_the_count_threshold_finds_the_same_rows(
    app, client, as_role, posts, monkeypatch, dialect, search, titles
):
    # Fifteen matches over a threshold of five: SQLite checks each row the list walks with
    # its own FTS5 query instead of building the list of every match first. The sample is
    # ten rows, so the matches are dense and the list is walked, not ranked.
    monkeypatch.setitem(settings_of(app)["lists"], "count_threshold", 5)
    monkeypatch.setattr(lists, "PER_ROW_SAMPLE_ROWS", 10)
    as_role(Role.VIEWER)
    seen = _statements(client, "/admin/post/", search=search)
    page = get_page(client, "/admin/post/", search=search)
    assert listed(page, "title") == titles
    walks = [s for s, _ in seen if s.lstrip().startswith("SELECT posts.id") and "LIMIT" in s]
    assert len(walks) == 1, walks
    per_row = "EXISTS (SELECT 1" in walks[0]
    assert per_row == (dialect == "sqlite" and search != "vacu"), walks[0]
