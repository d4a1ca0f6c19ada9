from datetime import timedelta

import pytest
from sqlalchemy import func, select

from admin_app.columns import utc_now
from admin_app.models import Comment, Post, Tag, post_tags
from admin_app.soft_delete import with_deleted
from admin_app.trash import purge, purge_older_than, soft_delete
from tests.factories import CommentFactory, PostFactory, TagFactory


def _count(session, model):
    return session.scalar(with_deleted(select(func.count()).select_from(model)))


def _links(session):
    return session.scalar(select(func.count()).select_from(post_tags))


def test_purge_removes_rows_owned_rows_and_tag_links(session):
    live_tag, trashed_tag = TagFactory(), TagFactory()
    post = PostFactory(tags=[live_tag, trashed_tag])
    CommentFactory(post=post)
    session.commit()
    soft_delete(session, [trashed_tag])
    soft_delete(session, [post])
    session.commit()
    assert _links(session) == 2

    removed = purge(session, [post])
    session.commit()

    assert removed == {"posts": 1, "comments": 1}  # the owned comment is purged by name
    assert _count(session, Post) == 0
    assert _count(session, Comment) == 0  # owned rows go with the database cascade
    assert _links(session) == 0  # including the link to the trashed tag
    assert _count(session, Tag) == 2


def test_purge_refuses_live_records(session):
    post = PostFactory()
    session.commit()
    with pytest.raises(ValueError, match="not in the trash"):
        purge(session, [post])
    assert _count(session, Post) == 1


def test_retention_dry_run_counts_and_purge_removes_only_old_rows(session):
    old, recent, live = PostFactory(), PostFactory(), PostFactory()
    CommentFactory(post=old)
    soft_delete(session, [old])
    soft_delete(session, [recent])
    old.deleted_at = utc_now() - timedelta(days=40)
    for comment in session.scalars(with_deleted(select(Comment))):
        comment.deleted_at = old.deleted_at
    session.commit()
    cutoff = utc_now() - timedelta(days=30)

    counted = purge_older_than(session, before=cutoff, dry_run=True)
    assert counted == {"posts": 1, "comments": 1}
    assert _count(session, Post) == 3

    removed = purge_older_than(session, before=cutoff)
    session.commit()
    assert removed["posts"] == 1
    remaining = set(session.scalars(with_deleted(select(Post.id))))
    assert remaining == {recent.id, live.id}
