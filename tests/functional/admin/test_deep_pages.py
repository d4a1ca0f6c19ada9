"""Deep console pages: the count stops at a threshold, the last page is read backwards,
and a jump deeper than the offset limit is refused with a message instead of scanning."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from admin_app.columns import utc_now
from admin_app.config import settings_of
from admin_app.models import Role
from tests.factories import PostFactory
from tests.functional.admin.pages import alerts, get_page, listed_ids


@pytest.fixture
def limits(app: Any) -> Any:
    lists = settings_of(app)["lists"]
    saved = dict(lists)

    def set_limits(**values: int) -> None:
        lists.update(values)

    yield set_limits
    lists.update(saved)


@pytest.fixture
def posts(session: Any) -> list[str]:
    """Forty-five posts (three pages of 20), newest first: the list's default order."""
    start = utc_now()
    made = [PostFactory(created_at=start - timedelta(minutes=n)) for n in range(45)]
    session.commit()
    return [str(post.id) for post in made]


def test_a_count_above_the_threshold_is_shown_as_a_floor(client, as_role, posts, limits):
    limits(count_threshold=30)
    as_role(Role.VIEWER)
    # The floor, or the planner's estimate when statistics exist: never a scan of the table.
    assert re.search(r"List \((30\+|about [\d,]+)\)", get_page(client, "/admin/post/"))
    limits(count_threshold=100)
    assert "List (45)" in get_page(client, "/admin/post/")


def test_the_last_page_is_read_backwards_at_any_depth(client, as_role, posts, limits):
    limits(count_threshold=100, max_offset_rows=20)
    as_role(Role.VIEWER)
    # The last page holds the last 5 rows (45 = 2 x 20 + 5), in the list's order.
    last = get_page(client, "/admin/post/", page=2)
    assert listed_ids(last, "post") == posts[40:]
    shallow = get_page(client, "/admin/post/", page=1)
    assert listed_ids(shallow, "post") == posts[20:40]


def test_a_deep_jump_is_refused_with_a_message(client, as_role, posts, limits):
    limits(count_threshold=100, max_offset_rows=0)
    as_role(Role.VIEWER)
    page = get_page(client, "/admin/post/", page=1)
    assert listed_ids(page, "post") == []
    assert any("too deep to open directly" in alert for alert in alerts(page))
