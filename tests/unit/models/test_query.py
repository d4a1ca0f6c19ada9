"""paginate_json: the page envelope every /api/v1 list answers with."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from admin_app.models import Post, Tag
from admin_app.models.query import PaginationError, paginate_json
from admin_app.trash import soft_delete
from tests.factories import CommentFactory, PostFactory, TagFactory

KEYS = {"items", "page", "per_page", "total", "total_is_exact", "pages", "next", "prev"}


@pytest.fixture
def tags(session: Any) -> list[str]:
    """45 live tags (sorted names) and 5 trashed ones that must never be counted."""
    names = [f"tag-{n:02d}" for n in range(45)]
    for name in names:
        TagFactory(name=name)
    gone = [TagFactory(name=f"trashed-{n}") for n in range(5)]
    session.commit()
    soft_delete(session, gone)
    session.commit()
    return names


def _page(session: Any, **kwargs: Any) -> dict[str, Any]:
    return paginate_json(
        session, select(Tag).order_by(Tag.name), serialize=lambda tag: tag.name, **kwargs
    )


def test_envelope_keys_and_first_page(session, tags):
    page = _page(session, page=1, per_page=20)
    assert set(page) == KEYS
    assert page["items"] == tags[:20]
    assert (page["page"], page["per_page"], page["total"], page["pages"]) == (1, 20, 45, 3)
    assert (page["prev"], page["next"]) == (None, 2)


def test_middle_page(session, tags):
    page = _page(session, page="2", per_page="20")
    assert page["items"] == tags[20:40]
    assert (page["page"], page["prev"], page["next"]) == (2, 1, 3)


def test_last_page_is_partial(session, tags):
    page = _page(session, page=3, per_page=20)
    assert page["items"] == tags[40:]
    assert (page["page"], page["prev"], page["next"]) == (3, 2, None)


def test_walking_next_links_visits_every_row_once(session, tags):
    seen, number = [], 1
    while number is not None:
        page = _page(session, page=number, per_page=7)
        seen.extend(page["items"])
        number = page["next"]
    assert seen == tags


def test_defaults_apply_when_parameters_are_missing_or_empty(session, tags):
    for kwargs in ({}, {"page": None, "per_page": None}, {"page": "", "per_page": ""}):
        page = _page(session, **kwargs)
        assert (page["page"], page["per_page"], page["pages"]) == (1, 20, 3), kwargs
    assert _page(session, default_per_page=10)["per_page"] == 10


def test_per_page_is_capped_not_refused(session, tags):
    page = _page(session, per_page="500")
    assert (page["per_page"], page["pages"], page["next"]) == (100, 1, None)
    assert page["items"] == tags
    capped = _page(session, per_page=50, max_per_page=10)
    assert (capped["per_page"], capped["pages"], len(capped["items"])) == (10, 5, 10)


def test_single_page_and_empty_results(session, tags):
    one = _page(session, per_page=45)
    assert (one["pages"], one["next"], one["prev"]) == (1, None, None)
    empty = paginate_json(
        session, select(Tag).where(Tag.name == "nope"), serialize=lambda tag: tag.name
    )
    assert empty == {
        "items": [],
        "page": 1,
        "per_page": 20,
        "total": 0,
        "total_is_exact": True,
        "pages": 1,
        "next": None,
        "prev": None,
    }


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "1.5", "2x", 0, -3])
@pytest.mark.parametrize("name", ["page", "per_page"])
def test_bad_page_or_page_size_is_refused_naming_the_parameter(session, tags, name, raw):
    with pytest.raises(PaginationError) as excinfo:
        _page(session, **{name: raw})
    message = str(excinfo.value)
    assert message.startswith(f"{name} "), message
    assert isinstance(excinfo.value, ValueError)


def test_long_bad_input_is_cut_short_in_the_message(session, tags):
    with pytest.raises(PaginationError) as excinfo:
        _page(session, page="x" * 5000)
    assert len(str(excinfo.value)) < 120


def test_eager_loaded_collections_do_not_shrink_a_page(session):
    """A joined one-to-many load multiplies rows; the page still holds per_page posts."""
    posts = [PostFactory(title=f"Post {n}") for n in range(5)]
    for post in posts:
        for _ in range(3):
            CommentFactory(post=post)
    session.commit()
    stmt = select(Post).options(joinedload(Post.comments)).order_by(Post.title)
    page = paginate_json(
        session,
        stmt,
        serialize=lambda post: (post.title, len(post.comments)),
        per_page=2,
        page=2,
    )
    assert page["items"] == [("Post 2", 3), ("Post 3", 3)]
    assert (page["total"], page["pages"]) == (5, 3)
