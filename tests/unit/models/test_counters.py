"""Stored counts and reading time stay exact after every kind of write, on both engines.

The triggers of migration 0005 keep them; ``drift()`` recomputes every value from the rows
themselves, so a path that forgets one shows up as a non-zero drift.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import delete, select, text, update

from admin_app.columns import utc_now
from admin_app.models import Comment, Post, Tag, User
from admin_app.models.counters import drift, repair
from admin_app.soft_delete import with_deleted
from admin_app.trash import purge, restore, soft_delete
from seeds.bench import seed_bench
from seeds.demo import seed_demo
from tests.factories import CommentFactory, PostFactory, TagFactory, UserFactory

NO_DRIFT = {
    "users.post_count": 0,
    "tags.post_count": 0,
    "posts.comment_count": 0,
    "posts.reading_minutes": 0,
    "comments.reply_count": 0,
}


@pytest.fixture
def thread(session: Any) -> dict[str, Any]:
    """A post with two tags, two comments and a reply to the first."""
    tags = TagFactory.create_batch(2)
    post = PostFactory(tags=tags, body="one two three")
    first = CommentFactory(post=post)
    CommentFactory(post=post)
    CommentFactory(post=post, parent=first)
    session.commit()
    return {"post": post, "tags": tags, "first": first, "author": post.author}


def stored(session: Any, model: Any, record_id: Any, attribute: str) -> int:
    session.expire_all()
    return int(
        session.scalar(with_deleted(select(getattr(model, attribute)).where(model.id == record_id)))
    )


def test_orm_inserts_are_counted(session, thread):
    post = thread["post"]
    assert stored(session, Post, post.id, "comment_count") == 3
    assert stored(session, Post, post.id, "reading_minutes") == 1
    assert stored(session, Comment, thread["first"].id, "reply_count") == 1
    assert stored(session, User, thread["author"].id, "post_count") == 1
    assert [stored(session, Tag, t.id, "post_count") for t in thread["tags"]] == [1, 1]
    assert drift(session) == NO_DRIFT


def test_edits_move_counts_between_parents(session, thread):
    other_post, other_user, other_tag = PostFactory(), UserFactory(), TagFactory()
    session.commit()
    thread["first"].post = other_post
    thread["post"].author = other_user
    thread["post"].tags = [other_tag]
    thread["post"].body = " ".join(["word"] * 401)
    session.commit()
    assert stored(session, Post, thread["post"].id, "reading_minutes") == 3
    assert stored(session, Tag, other_tag.id, "post_count") == 1
    assert drift(session) == NO_DRIFT


def test_trash_restore_and_purge_keep_counts(session, thread):
    batch = soft_delete(session, [thread["post"]])
    session.commit()
    assert stored(session, User, thread["author"].id, "post_count") == 0
    assert [stored(session, Tag, t.id, "post_count") for t in thread["tags"]] == [0, 0]
    assert drift(session) == NO_DRIFT
    restore(session, [batch.id])
    session.commit()
    assert stored(session, Post, thread["post"].id, "comment_count") == 3
    assert drift(session) == NO_DRIFT
    soft_delete(session, [thread["author"]])
    session.commit()
    purge(session, [thread["author"]])
    session.commit()
    assert drift(session) == NO_DRIFT


def test_orm_bulk_update_and_delete_keep_counts(session, thread):
    post_id = thread["post"].id
    session.execute(
        update(Comment).where(Comment.parent_id.is_(None)).values(deleted_at=utc_now()),
        execution_options={"synchronize_session": False},
    )
    session.commit()
    assert stored(session, Post, post_id, "comment_count") == 1
    assert drift(session) == NO_DRIFT
    session.execute(
        delete(Comment).where(Comment.post_id == post_id),
        execution_options={"synchronize_session": False},
    )
    session.commit()
    session.execute(
        delete(Post).where(Post.id == post_id), execution_options={"synchronize_session": False}
    )
    session.commit()
    assert [stored(session, Tag, t.id, "post_count") for t in thread["tags"]] == [0, 0]
    assert drift(session) == NO_DRIFT


def test_hard_delete_of_a_live_post_cascades_its_links(session, thread):
    # Database cascades (post_tags, comments) must not count a link down twice.
    session.execute(text("DELETE FROM posts"))
    session.commit()
    assert [stored(session, Tag, t.id, "post_count") for t in thread["tags"]] == [0, 0]
    assert drift(session) == NO_DRIFT


def test_seeds_leave_no_drift(session):
    seed_demo(session)
    session.commit()
    seed_bench(session, scale=300)
    assert drift(session) == NO_DRIFT


def test_repair_fixes_what_a_raw_write_broke(session, thread):
    lonely = PostFactory(body="")  # no comments: its count must go back to 0
    session.commit()
    session.execute(text("UPDATE posts SET comment_count = 40, reading_minutes = 9"))
    session.commit()
    assert drift(session)["posts.comment_count"] == 2
    assert repair(session)["posts.reading_minutes"] == 2
    session.commit()
    assert drift(session) == NO_DRIFT
    assert stored(session, Post, thread["post"].id, "comment_count") == 3
    assert stored(session, Post, lonely.id, "comment_count") == 0
