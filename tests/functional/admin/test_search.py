"""The list search box: full-text for searchable models, substring for the rest; counts agree."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from admin_app.models import Comment, Post, Role, Tag, Task, User
from admin_app.models.search import search
from seeds.demo import seed_demo
from tests.functional.admin.pages import (
    filter_arg,
    get_page,
    list_count,
    listed,
    listed_ids,
)

# Endpoint, model, and a query that matches some rows of the demo data but not all.
SEARCHES = [
    ("post", Post, "tuning index"),
    ("post", Post, '"connection pools"'),
    ("user", User, "lovelace"),
    ("comment", Comment, "index"),
    ("comment", Comment, "pool"),
    ("task", Task, "index"),
]


@pytest.fixture
def demo(session: Any) -> None:
    seed_demo(session)
    session.commit()


def _matches(session: Any, model: Any, query: str) -> set[str]:
    return {str(row.id) for row in session.scalars(search(session, model, query))}


@pytest.mark.parametrize(("endpoint", "model", "query"), SEARCHES)
def test_search_lists_the_full_text_matches_and_counts_them(
    client, session, demo, as_role, endpoint, model, query
):
    expected = _matches(session, model, query)
    assert 0 < len(expected) < len(session.scalars(select(model.id)).all())
    as_role(Role.VIEWER)
    page = get_page(client, f"/admin/{endpoint}/", search=query, page_size=100)
    assert set(listed_ids(page, endpoint)) == expected
    first = get_page(client, f"/admin/{endpoint}/", search=query, page_size=20)
    assert list_count(first) == len(expected)
    assert len(listed_ids(first, endpoint)) == min(20, len(expected))


def test_search_finds_words_and_prefixes_not_fragments(client, session, demo, as_role):
    as_role(Role.VIEWER)
    assert listed(get_page(client, "/admin/user/", search="Hopper"), "username") == ["grace"]
    assert listed(get_page(client, "/admin/user/", search="Hopp"), "username") == ["grace"]
    assert listed(get_page(client, "/admin/user/", search="opper"), "username") == []
    assert listed(get_page(client, "/admin/user/", search="Grace Hopp"), "username") == ["grace"]


def test_search_and_a_filter_narrow_together(client, session, demo, as_role):
    published = {str(p.id) for p in session.scalars(select(Post)) if p.is_published}
    expected = _matches(session, Post, '"connection pools"') & published
    assert 0 < len(expected) < len(published)
    as_role(Role.VIEWER)
    arg = filter_arg(get_page(client, "/admin/post/"), "Is Published", "equals")
    page = get_page(client, "/admin/post/", search='"connection pools"', **{arg: "1"})
    assert list_count(page) == len(expected)
    assert set(listed_ids(page, "post")) == expected


def test_models_without_full_text_keep_substring_search(client, session, demo, as_role):
    names = session.scalars(select(Tag.name)).all()
    fragment = names[0][1:3]
    as_role(Role.VIEWER)
    page = get_page(client, "/admin/tag/", search=fragment, page_size=100)
    assert sorted(listed(page, "name")) == sorted(n for n in names if fragment.lower() in n.lower())


@pytest.mark.parametrize("endpoint", ["post", "user", "comment", "task", "tag"])
@pytest.mark.parametrize("query", ["%_\"'", "a OR b -c", "NEAR(x y)", "<b>bold</b>"])
def test_search_syntax_in_the_box_is_text_never_an_error(client, demo, as_role, endpoint, query):
    as_role(Role.VIEWER)
    page = get_page(client, f"/admin/{endpoint}/", search=query)
    assert listed_ids(page, endpoint) == []
    assert "<b>bold</b>" not in page


def test_a_blank_search_lists_everything(client, session, demo, as_role):
    as_role(Role.VIEWER)
    assert list_count(get_page(client, "/admin/post/", search="   ")) == 36
