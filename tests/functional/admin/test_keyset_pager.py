"""The console pager walks a big list by keyset: next and previous carry the shown page's
first or last row, so every page, however deep, is a seek through the sort index."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import event

from admin_app.columns import utc_now
from admin_app.config import settings_of
from admin_app.extensions import db
from admin_app.models import Role
from admin_app.models.keyset import encode_cursor
from tests.factories import PostFactory
from tests.functional.admin.pages import alerts, listed, listed_ids, sort_params

SIZE = 20


@pytest.fixture
def posts(app: Any, session: Any, monkeypatch: Any) -> list[str]:
    """Ninety posts (five pages), newest first; page numbers may skip no rows at all."""
    lists = settings_of(app)["lists"]
    monkeypatch.setitem(lists, "count_threshold", 1000)
    monkeypatch.setitem(lists, "max_offset_rows", 0)
    start = utc_now()
    made = [PostFactory(created_at=start - timedelta(minutes=n)) for n in range(90)]
    session.commit()
    return [str(post.id) for post in made]


def _open(client: Any, url: str) -> tuple[str, list[str]]:
    """The page at ``url`` and the SQL it ran."""
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert response.status_code == 200
    return response.get_data(as_text=True), statements


def _link(page: str, label: str) -> str | None:
    found = re.search(rf'<a class="page-link" href="(/[^"]+)">{label}</a>', page)
    return html.unescape(found.group(1)) if found else None


def _no_long_offset(statements: list[str]) -> bool:
    # A seek skips at most a few pages after its cursor: never the rows before it.
    offsets = [int(n) for s in statements for n in re.findall(r"OFFSET (\d+)", s)]
    return all(n < 4 * SIZE for n in offsets)


def test_next_walks_every_page_by_keyset(client, as_role, posts):
    as_role(Role.VIEWER)
    seen, url = [], "/admin/post/"
    while url:
        page, statements = _open(client, url)
        assert alerts(page) == [], url
        assert _no_long_offset(statements)
        seen.append(listed_ids(page, "post"))
        url = _link(page, "&gt;")
    assert seen == [posts[n : n + SIZE] for n in range(0, 90, SIZE)]


def test_previous_walks_back_from_any_page(client, as_role, posts):
    as_role(Role.VIEWER)
    page, _ = _open(client, "/admin/post/")
    for _ in range(3):
        page, _ = _open(client, _link(page, "&gt;"))
    assert listed_ids(page, "post") == posts[60:80]
    page, statements = _open(client, _link(page, "&lt;"))
    assert listed_ids(page, "post") == posts[40:60]
    assert _no_long_offset(statements)
    # A nearby page number from there is a seek too: two pages back is page 2.
    page, _ = _open(client, _link(page, "2"))
    assert listed_ids(page, "post") == posts[20:40]


def test_a_chosen_sort_pages_by_its_own_keyset(client, as_role, posts, session):
    as_role(Role.VIEWER)
    second, _ = _open(client, _link(_open(client, "/admin/post/")[0], "&gt;"))
    by_title = sort_params(second, "Title")
    # A header link starts the other order afresh, on its first page: no cursor of this one.
    assert not {"after", "before", "page"} & set(by_title)
    page, _ = _open(client, "/admin/post/?" + urlencode(by_title))
    titles = [listed(page, "title")]
    for _ in range(4):
        page, statements = _open(client, _link(page, "&gt;"))
        assert _no_long_offset(statements)
        titles.append(listed(page, "title"))
    flat = [title for chunk in titles for title in chunk]
    assert flat == sorted(flat)
    assert len(set(flat)) == 90


def test_a_far_jump_without_a_cursor_is_refused_with_a_message(client, as_role, posts):
    as_role(Role.VIEWER)
    page, _ = _open(client, "/admin/post/?page=2")
    assert listed_ids(page, "post") == []
    assert any("too deep to open directly" in alert for alert in alerts(page))


def test_a_cursor_for_another_list_is_not_trusted(client, as_role, posts):
    as_role(Role.VIEWER)
    page, _ = _open(client, "/admin/post/?page=1&after=bm90LWEtY3Vyc29y")
    assert listed_ids(page, "post") == []
    assert any("too deep to open directly" in alert for alert in alerts(page))


def test_a_cursor_whose_time_has_no_offset_is_not_trusted(client, as_role, posts):
    as_role(Role.VIEWER)
    naive = encode_cursor("created_at:desc@0", "2026-01-01T00:00:00", posts[19])
    page, _ = _open(client, "/admin/post/?page=1&after=" + naive)  # a 200, not a 500
    assert listed_ids(page, "post") == []
    assert any("too deep to open directly" in alert for alert in alerts(page))
