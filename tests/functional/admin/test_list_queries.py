"""A list page costs the same few queries at any page size, whatever its columns show."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select

from admin_app.columns import utc_now
from admin_app.extensions import db
from admin_app.models import Operator, Post, Role
from tests.factories import (
    CommentFactory,
    PostFactory,
    ProfileFactory,
    TagFactory,
    TaskFactory,
)
from tests.functional.admin.pages import get_page, listed, listed_ids

ROWS = 120
# Operator load, count, the page's ids, its rows with what they show; on SQLite a listed
# collection comes in an IN query of its own (see loading.fetch_page).
MAX_QUERIES = {"postgresql": 4, "sqlite": 5}
ENDPOINTS = ("user", "profile", "post", "tag", "comment", "task", "operator")


@pytest.fixture
def crowded(session: Any) -> None:
    """ROWS of every model, each post with tags and comments, replies, tasks on posts."""
    tags = TagFactory.create_batch(ROWS)
    for n in range(ROWS):
        profile = ProfileFactory()
        post = PostFactory(author=profile.user, tags=[tags[n], tags[(n + 1) % ROWS]])
        comment = CommentFactory(post=post, author=profile.user)
        CommentFactory(post=post, author=profile.user, parent=comment)
        TaskFactory(assignee=profile.user, post=post, due_at=utc_now() - timedelta(days=n))
        # A fixed hash: hashing 120 real passwords would only slow the test down.
        session.add(Operator(username=f"op{n}", password_hash="x", role=Role.VIEWER.value))
    session.commit()


@contextmanager
def counted_statements() -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_list_page_runs_the_same_few_queries_at_any_size(client, crowded, as_role, endpoint):
    as_role(Role.ADMIN)
    for size in (20, 100):
        with counted_statements() as statements:
            page = get_page(client, f"/admin/{endpoint}/", page_size=size)
        assert len(listed_ids(page, endpoint)) == size
        assert len(statements) <= MAX_QUERIES[db.engine.dialect.name], "\n\n".join(statements)


def test_a_list_reads_only_the_names_of_the_related_records_it_shows(client, crowded, as_role):
    as_role(Role.ADMIN)
    with counted_statements() as statements:
        page = get_page(client, "/admin/post/", page_size=100)
    cells = zip(listed(page, "author"), listed(page, "tags"), strict=True)
    shown = dict(zip(listed_ids(page, "post"), cells, strict=True))
    assert len(shown) == 100
    db.session.expire_all()
    for post in db.session.scalars(select(Post).where(Post.id.in_(list(shown)))):
        names = ", ".join(tag.name for tag in post.tags)
        assert shown[str(post.id)] == (post.author.username, names)
    read = "\n".join(s for s in statements if re.search(r"\btags(_1)?\.name", s))
    assert read, "\n\n".join(statements)
    # The names, not the whole records: no slug, no e-mail address, no timestamps.
    assert not re.search(r"\btags(_1)?\.slug|\busers(_1)?\.email|\btags(_1)?\.created_at", read)
