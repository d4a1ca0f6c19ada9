"""The mixins every domain model is built from: UUIDv7 ids, UTC timestamps, live-only uniques."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta, timezone
from itertools import pairwise

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, StatementError

from admin_app.columns import utc_now, uuid7
from admin_app.models import Post, Profile, Tag, Task, User
from admin_app.soft_delete import with_deleted
from admin_app.trash import soft_delete
from tests.factories import PostFactory, ProfileFactory, TagFactory, TaskFactory, UserFactory


def _millis(value: uuid.UUID) -> int:
    return value.int >> 80


# --- UUIDv7 ids -----------------------------------------------------------------------------


def test_ids_are_uuid_version_7_carrying_the_creation_time(session):
    before = time.time_ns() // 1_000_000
    user = UserFactory()
    after = time.time_ns() // 1_000_000
    assert isinstance(user.id, uuid.UUID)
    assert user.id.version == 7
    assert user.id.variant == uuid.RFC_4122
    assert before <= _millis(user.id) <= after
    session.commit()
    session.expire_all()
    assert session.scalars(select(User.id)).all() == [user.id]


def test_ids_are_unique():
    assert len({uuid7() for _ in range(10_000)}) == 10_000


def test_ids_sort_by_creation_time_in_the_database(session):
    titles = []
    for n in range(5):
        titles.append(PostFactory(title=f"Created {n}").title)  # often within one millisecond
    session.commit()
    assert session.scalars(select(Post.title).order_by(Post.id)).all() == titles


def test_consecutive_ids_sort_in_creation_order():
    """Rows made one after another in a loop (a seed, a batch import) keep their order by id."""
    ids = [uuid7() for _ in range(200)]
    out_of_order = sum(1 for a, b in pairwise(ids) if a >= b)
    assert out_of_order == 0, f"{out_of_order} of 199 consecutive ids sort before their elder"


# --- timestamps -----------------------------------------------------------------------------


def test_timestamps_are_set_at_flush_not_at_construction(session):
    user = User(username="late", email="late@example.org")
    time.sleep(0.02)
    assert user.created_at is None
    before_flush = utc_now()
    session.add(user)
    session.flush()
    after_flush = utc_now()
    assert before_flush <= user.created_at <= after_flush
    assert before_flush <= user.updated_at <= after_flush


def test_timestamps_come_back_tz_aware_utc(session):
    user = UserFactory()
    session.commit()
    session.expire_all()
    loaded = session.get(User, user.id)
    for value in (loaded.created_at, loaded.updated_at):
        assert value.tzinfo is not None
        assert value.utcoffset() == timedelta(0)
    assert abs(loaded.created_at - utc_now()) < timedelta(minutes=1)
    row = session.execute(select(User.created_at)).scalar_one()
    assert row.utcoffset() == timedelta(0)


def test_two_rows_flushed_apart_get_different_timestamps(session):
    first = UserFactory()
    session.commit()
    time.sleep(0.01)
    second = UserFactory()
    session.commit()
    assert second.created_at > first.created_at


def test_updated_at_moves_on_update_and_created_at_does_not(session):
    user = UserFactory()
    session.commit()
    session.expire_all()
    created, updated = user.created_at, user.updated_at
    time.sleep(0.01)
    user.first_name = "Changed"
    session.commit()
    session.expire_all()
    assert user.created_at == created
    assert user.updated_at > updated
    assert user.updated_at > user.created_at


def test_other_time_zones_are_stored_as_the_same_instant(session):
    lisbon_noon = datetime(2026, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=1)))
    task = TaskFactory(due_at=lisbon_noon)
    session.commit()
    session.expire_all()
    assert task.due_at == datetime(2026, 6, 1, 11, 0, tzinfo=UTC)
    assert task.due_at.utcoffset() == timedelta(0)
    assert session.scalars(
        select(Task.id).where(Task.due_at == datetime(2026, 6, 1, 11, 0, tzinfo=UTC))
    ).all() == [task.id]


def _assert_naive_refused(excinfo):
    error = excinfo.value
    cause = error if isinstance(error, ValueError) else getattr(error, "orig", None)
    assert isinstance(cause, ValueError), repr(error)
    assert "naive" in str(cause)


def test_naive_datetime_is_refused_on_write(session):
    TaskFactory()
    session.commit()
    with pytest.raises((ValueError, StatementError)) as excinfo:
        TaskFactory(due_at=datetime(2026, 1, 1, 9, 0))  # noqa: DTZ001 - the point of the test
    _assert_naive_refused(excinfo)
    session.rollback()
    assert len(session.scalars(select(Task)).all()) == 1


def test_naive_datetime_is_refused_in_a_filter(session):
    TaskFactory()
    session.commit()
    naive = datetime(2026, 1, 1, 9, 0)  # noqa: DTZ001 - the point of the test
    with pytest.raises((ValueError, StatementError)) as excinfo:
        session.scalars(select(Task).where(Task.due_at < naive)).all()
    _assert_naive_refused(excinfo)


# --- live-only unique indexes ---------------------------------------------------------------


def test_two_live_users_with_the_same_username_are_refused(session):
    UserFactory(username="twin", email="one@example.org")
    session.commit()
    with pytest.raises(IntegrityError):
        UserFactory(username="twin", email="two@example.org")
    session.rollback()
    assert session.scalars(select(User.email)).all() == ["one@example.org"]


def test_two_live_users_with_the_same_email_are_refused(session):
    UserFactory(username="one", email="same@example.org")
    session.commit()
    with pytest.raises(IntegrityError):
        UserFactory(username="two", email="same@example.org")


def test_a_trashed_user_does_not_block_a_new_live_one(session):
    old = UserFactory(username="twin", email="twin@example.org")
    session.commit()
    soft_delete(session, [old])
    session.commit()
    new = UserFactory(username="twin", email="twin@example.org")
    session.commit()
    rows = session.execute(with_deleted(select(User.id, User.is_deleted))).all()
    assert dict(rows) == {old.id: True, new.id: False}
    # ... and two trashed ones with the same name are fine too.
    soft_delete(session, [new])
    session.commit()
    UserFactory(username="twin", email="twin@example.org")
    session.commit()
    assert len(session.scalars(with_deleted(select(User.id))).all()) == 3


def test_live_unique_indexes_on_tags_posts_and_profiles(session):
    tag = TagFactory(name="Python")
    post = PostFactory(slug="fixed-slug")
    profile = ProfileFactory()
    session.commit()
    duplicates = [
        lambda: TagFactory(name="Python"),
        lambda: PostFactory(slug="fixed-slug"),
        lambda: ProfileFactory(user=profile.user),
    ]
    for make in duplicates:
        with pytest.raises(IntegrityError):
            make()
        session.rollback()
    soft_delete(session, [tag, post, profile])
    session.commit()
    TagFactory(name="Python")
    PostFactory(slug="fixed-slug")
    ProfileFactory(user=profile.user)
    session.commit()
    for model in (Tag, Post, Profile):
        assert len(session.scalars(with_deleted(select(model.id))).all()) == 2
