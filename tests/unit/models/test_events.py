"""Mapper listeners: slugs at insert, dashboard count invalidation, association clean-up."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from admin_app.columns import utc_now, uuid7
from admin_app.extensions import db
from admin_app.models import DOMAIN_MODELS, Post, Tag, Task, post_tags
from admin_app.models.counts import model_counts
from admin_app.models.events import slugify
from admin_app.soft_delete import with_deleted
from admin_app.trash import soft_delete
from tests.factories import PostFactory, TagFactory, UserFactory

# --- slugify -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "slug"),
    [
        ("Hello, World!", "hello-world"),
        ("  Many   spaces\tand\ttabs  ", "many-spaces-and-tabs"),
        ("Ünïcödé Straße", "unicode-strasse"),  # accents folded, ß transliterated
        ("naïve café", "naive-cafe"),
        ("数据库设计", "shu-ju-ku-she-ji"),  # every script becomes ASCII a URL can carry
        ("Ελληνικά Κείμενο", "ellenika-keimeno"),
        ("Привет мир", "privet-mir"),
        ("Ünïcode Tag", "unicode-tag"),
        ("ﬁle ①", "file-1"),  # compatibility forms folded
        ("__init__", "init"),
        ("C++ & C#", "c-c"),
        ("snake_case title", "snake-case-title"),
    ],
)
def test_slugify(value, slug):
    assert slugify(value) == slug


@pytest.mark.parametrize("value", ["", "   ", "!!!", "---", "___", "%%% ???", "\u0301\u0308"])
def test_slugify_falls_back_when_nothing_is_left(value):
    assert slugify(value) == "item"
    assert slugify(value, fallback="post") == "post"


def test_slugify_truncates_without_a_trailing_dash():
    slug = slugify("a" * 199 + " bcd")
    assert slug == "a" * 199
    assert len(slugify("word " * 100, max_length=50)) <= 50
    assert not slugify("word " * 100, max_length=50).endswith("-")


# --- slugs at insert ------------------------------------------------------------------------


def test_slugs_are_generated_at_insert_from_title_and_name(session):
    post = PostFactory.build(title="Tuning the Connection Pool", author=UserFactory())
    tag = Tag(name="Release notes")
    session.add_all([post, tag])
    assert post.slug is None
    session.commit()
    assert post.slug == "tuning-the-connection-pool"
    assert tag.slug == "release-notes"
    assert session.scalar(select(Post.slug).where(Post.id == post.id)) == post.slug


def test_unicode_titles_give_readable_slugs(session):
    german = PostFactory(title="Ünïcödé Straße")
    chinese = PostFactory(title="数据库设计")
    tag = TagFactory(name="Café")
    session.commit()
    assert (german.slug, chinese.slug, tag.slug) == ("unicode-strasse", "shu-ju-ku-she-ji", "cafe")


def test_title_without_word_characters_falls_back_to_the_model_name(session):
    first, second = PostFactory(title="!!!"), PostFactory(title="")
    tag = TagFactory(name="???")
    session.commit()
    assert (first.slug, second.slug, tag.slug) == ("post", "post-2", "tag")


def test_collisions_across_commits_get_numbered(session):
    slugs = []
    for _ in range(3):
        slugs.append(PostFactory(title="Same title").slug)
        session.commit()
    assert slugs == ["same-title", "same-title-2", "same-title-3"]


def test_collisions_within_one_flush_get_numbered(session):
    author = UserFactory()
    posts = [Post(title="Same flush", body="", author=author) for _ in range(3)]
    session.add_all(posts)
    session.commit()
    assert sorted(p.slug for p in posts) == ["same-flush", "same-flush-2", "same-flush-3"]


def test_tags_whose_names_slug_alike_get_numbered(session):
    session.add_all([Tag(name="C++"), Tag(name="C#"), Tag(name="C")])
    session.commit()
    assert sorted(session.scalars(select(Tag.slug))) == ["c", "c-2", "c-3"]


def test_title_that_looks_like_a_numbered_slug_does_not_clash(session):
    PostFactory(title="Release 2")
    PostFactory(title="Release")
    session.commit()
    third = PostFactory(title="Release")
    session.commit()
    assert third.slug == "release-3"


def test_trashed_posts_slug_is_reused_by_a_new_live_post(session):
    old = PostFactory(title="Reuse me")
    session.commit()
    soft_delete(session, [old])
    session.commit()
    new = PostFactory(title="Reuse me")
    session.commit()
    assert new.slug == old.slug == "reuse-me"


def test_slug_is_kept_when_the_title_changes(session):
    post = PostFactory(title="First draft")
    session.commit()
    post.title = "Final title"
    session.commit()
    session.expire_all()
    assert session.get(Post, post.id).slug == "first-draft"


def test_an_explicit_slug_is_kept(session):
    post = PostFactory(title="Whatever", slug="hand-made")
    session.commit()
    assert post.slug == "hand-made"


def test_a_failed_flush_does_not_reserve_slugs(session):
    """A flush that fails after the post's INSERT must not burn its slug for later."""
    author = UserFactory()
    session.commit()
    post = Post(title="Fresh start", body="", author=author)
    # The task is inserted after the post it points at, and breaks the priority check.
    session.add(Task(title="Broken", due_at=utc_now(), priority=9, assignee=author, post=post))
    with pytest.raises(IntegrityError):
        session.flush()
    assert post.slug == "fresh-start"  # the slug was assigned before the failure
    session.rollback()
    retry = PostFactory(title="Fresh start", author=author)
    session.commit()
    assert retry.slug == "fresh-start"


# --- count cache ----------------------------------------------------------------------------


def _core_insert_tags(session, *names):
    """Writes that bypass the ORM: no mapper event fires, so the cache is not told.

    Left uncommitted: the same session's next count sees them, the cached count does not.
    """
    now = utc_now()
    for name in names:
        session.connection().execute(
            insert(Tag.__table__).values(
                id=uuid7(), name=name, slug=slugify(name), created_at=now, updated_at=now
            )
        )


def _counts(session, table):
    # Always the dashboard's model list: the cache holds one result for the whole process.
    return model_counts(session, list(DOMAIN_MODELS))[table]


def _tags_live(session):
    return _counts(session, "tags")["live"]


def test_counts_are_cached_until_an_orm_insert(session):
    assert _tags_live(session) == 0
    _core_insert_tags(session, "Quiet")
    assert _tags_live(session) == 0  # stale: still the cached value
    TagFactory()
    session.commit()
    assert _tags_live(session) == 2  # fresh: the insert invalidated the cache


def test_counts_are_invalidated_by_an_orm_update(session):
    post = PostFactory()
    session.commit()
    assert _counts(session, "posts") == {"live": 1, "trashed": 0}
    _core_insert_tags(session, "Quiet")
    assert _tags_live(session) == 0
    post.title = "Edited"
    session.commit()
    assert _tags_live(session) == 1


def test_counts_move_to_trashed_after_a_soft_delete(session):
    post = PostFactory()
    session.commit()
    assert _counts(session, "posts") == {"live": 1, "trashed": 0}
    soft_delete(session, [post])
    session.commit()
    assert _counts(session, "posts") == {"live": 0, "trashed": 1}


def test_counts_are_invalidated_by_an_orm_delete(session):
    tag = TagFactory()
    session.commit()
    assert _tags_live(session) == 1
    _core_insert_tags(session, "Quiet", "Silent")
    assert _tags_live(session) == 1
    session.delete(tag)
    session.commit()
    assert _counts(session, "tags") == {"live": 2, "trashed": 0}
    assert sorted(session.scalars(select(Tag.name))) == ["Quiet", "Silent"]


def test_counts_read_between_flush_and_commit_do_not_stay_stale(session):
    """Another request's dashboard counts while a write is flushed but not yet committed."""
    PostFactory()
    session.commit()
    assert _counts(session, "posts")["live"] == 1
    PostFactory()  # flushed: the listener invalidates here, before the commit
    with Session(db.engine) as dashboard:
        assert (
            model_counts(dashboard, list(DOMAIN_MODELS))["posts"]["live"] == 1
        )  # committed data only
    session.commit()
    assert _counts(session, "posts")["live"] == 2


# --- association clean-up on hard delete ----------------------------------------------------


def _links(session, column, value):
    stmt = select(func.count()).select_from(post_tags).where(column == value)
    return session.connection().execute(stmt).scalar_one()


def test_hard_delete_of_a_post_removes_its_tag_links_even_to_trashed_tags(session):
    live_tag, gone_tag = TagFactory(), TagFactory()
    post = PostFactory(tags=[live_tag, gone_tag])
    other = PostFactory(tags=[live_tag, gone_tag])
    session.commit()
    soft_delete(session, [gone_tag])
    session.commit()
    assert _links(session, post_tags.c.post_id, post.id) == 2
    session.delete(post)
    session.commit()
    assert _links(session, post_tags.c.post_id, post.id) == 0
    # The tags themselves and the other post's links stay.
    assert _links(session, post_tags.c.post_id, other.id) == 2
    tag_ids = set(session.scalars(with_deleted(select(Tag.id))))
    assert tag_ids == {live_tag.id, gone_tag.id}


def test_hard_delete_of_a_tag_removes_its_links_even_to_trashed_posts(session):
    tag = TagFactory()
    live_post, gone_post = PostFactory(tags=[tag]), PostFactory(tags=[tag])
    session.commit()
    soft_delete(session, [gone_post])
    session.commit()
    session.delete(tag)
    session.commit()
    assert _links(session, post_tags.c.tag_id, tag.id) == 0
    assert set(session.scalars(with_deleted(select(Post.id)))) == {live_post.id, gone_post.id}
