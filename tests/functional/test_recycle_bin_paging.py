"""The recycle bin at any size: older batches by keyset ("Older" continues after the last one
shown), and a batch count that stops at the threshold instead of counting every batch."""

from __future__ import annotations

import html
import re
import uuid
from datetime import timedelta
from typing import Any

import pytest

from admin_app.admin.views import recycle_bin
from admin_app.columns import utc_now
from admin_app.config import settings_of
from admin_app.models import Role
from admin_app.models.keyset import encode_cursor
from admin_app.trash import soft_delete
from tests.factories import CommentFactory, PostFactory
from tests.functional.admin.pages import alerts, get_page


@pytest.fixture
def batches(session: Any) -> list[str]:
    """Five delete batches, newest first: a post with its two comments, then four posts."""
    start = utc_now() - timedelta(hours=1)
    posts = [PostFactory(title=f"Trashed post {n}") for n in range(5)]
    CommentFactory.create_batch(2, post=posts[0])
    session.commit()
    for minutes, post in enumerate(reversed(posts)):
        soft_delete(session, [post])
        session.flush()
        post.deleted_at = start + timedelta(minutes=minutes)  # one minute apart, post 0 newest
        session.commit()
    return [post.title for post in posts]


def _shown(page: str) -> list[str]:
    return re.findall(r"“(Trashed post \d)”", html.unescape(page))


def _older_link(page: str) -> str | None:
    found = re.search(r'href="([^"]*before=[^"]*)">Older<', page)
    return html.unescape(found.group(1)) if found else None


def test_older_batches_continue_after_the_last_one_shown(client, as_role, batches, monkeypatch):
    monkeypatch.setattr(recycle_bin, "PAGE_SIZE", 2)
    as_role(Role.VIEWER)
    seen, url = [], "/admin/trash/"
    while url:
        response = client.get(url)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        seen.append(_shown(page))
        url = _older_link(page)
    assert seen == [batches[0:2], batches[2:4], batches[4:5]]
    # The post's comments are in its batch, not a batch of their own.
    assert "1 post, 2 comments" in get_page(client, "/admin/trash/")


def test_a_link_the_bin_did_not_make_shows_the_newest_with_a_message(client, as_role, batches):
    as_role(Role.VIEWER)
    page = get_page(client, "/admin/trash/", before="not-a-cursor")
    assert _shown(page) == batches
    assert any("not one the recycle bin made" in alert for alert in alerts(page))


def test_a_hand_made_link_with_a_time_but_no_offset_is_refused_with_the_same_message(
    client, as_role, batches
):
    as_role(Role.VIEWER)
    naive = encode_cursor("batches", "2026-01-01T00:00:00", str(uuid.uuid4()))
    page = get_page(client, "/admin/trash/", before=naive)  # get_page asserts a 200
    assert _shown(page) == batches
    assert any("not one the recycle bin made" in alert for alert in alerts(page))


def test_the_batch_count_stops_at_the_threshold(app, client, as_role, batches, monkeypatch):
    lists = settings_of(app)["lists"]
    monkeypatch.setitem(lists, "count_threshold", 3)
    as_role(Role.VIEWER)
    # Five batches, seven rows: above the threshold the page says "3+" (or, with statistics,
    # the planner's figure), never a count of every batch.
    page = get_page(client, "/admin/trash/")
    assert re.search(r"(3\+|about [\d,]+) delete batch\(es\)", page)
    monkeypatch.setitem(lists, "count_threshold", 10)
    assert "5 delete batch(es)" in get_page(client, "/admin/trash/")
