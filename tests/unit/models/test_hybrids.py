"""Every hybrid gives the same answer in Python and in SQL, as a value and as a filter.

The admin list filters and the API run the SQL side; the detail pages and the dashboard run
the Python side. On every row of the demo seed plus hand-made edge rows, on both engines, the
two must agree, and a filter on a value must select exactly the rows showing that value.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import not_, select

from admin_app.columns import utc_now
from admin_app.models import Comment, Post, Profile, Tag, Task, User
from admin_app.soft_delete import with_deleted
from admin_app.trash import soft_delete
from seeds.demo import seed_demo
from tests.factories import (
    CommentFactory,
    PostFactory,
    ProfileFactory,
    TagFactory,
    TaskFactory,
    UserFactory,
)

HYBRIDS = [
    (User, "full_name"),
    (User, "post_count"),
    (Post, "is_published"),
    (Post, "comment_count"),
    (Post, "reading_minutes"),
    (Tag, "post_count"),
    (Comment, "reply_count"),
    (Task, "is_overdue"),
    (Task, "days_overdue"),
]
BOOLEAN_HYBRIDS = [(Post, "is_published"), (Task, "is_overdue")]
SOFT_DELETABLE = [User, Profile, Post, Tag, Comment, Task]


def _words(n: int) -> str:
    return " ".join(["word"] * n)


@pytest.fixture
def world(session: Any) -> dict[str, Any]:
    """The demo seed plus edge rows; returns ``{"Model.hybrid": {id: expected}}`` for the edges.

    ``None`` means the row is trashed and must not be listed at all.
    """
    seed_demo(session)
    session.commit()
    now = utc_now()

    nameless = UserFactory(first_name="", last_name="")
    first_only = UserFactory(first_name="Cher", last_name="")
    last_only = UserFactory(first_name="", last_name="Banksy")

    # Live and trashed posts, comments and replies: trashed rows must not be counted anywhere.
    # live_post ends with two live comments: live_comment and its live reply.
    author = UserFactory(first_name="Ada", last_name="Byron")
    tag = TagFactory()
    live_post = PostFactory(author=author, tags=[tag], body="")
    gone_post = PostFactory(author=author, tags=[tag])
    live_comment = CommentFactory(post=live_post)
    gone_comment = CommentFactory(post=live_post)
    CommentFactory(parent=live_comment, post=live_post)
    gone_reply = CommentFactory(parent=live_comment, post=live_post)

    one_space = PostFactory(body=" ")
    exactly_200 = PostFactory(body=_words(200))
    words_201 = PostFactory(body=_words(201))
    future = PostFactory(published_at=now + timedelta(days=1))
    past = PostFactory(published_at=now - timedelta(hours=1))
    never = PostFactory(published_at=None)

    hour_ago = TaskFactory(due_at=now - timedelta(hours=1))
    three_days_ago = TaskFactory(due_at=now - timedelta(days=3, minutes=5))
    tomorrow = TaskFactory(due_at=now + timedelta(days=1))
    done = TaskFactory(due_at=now - timedelta(days=3), done_at=now - timedelta(days=4))
    done_late = TaskFactory(due_at=now - timedelta(days=2), done_at=now - timedelta(days=1))
    gone_task = TaskFactory(due_at=now - timedelta(days=5))
    gone_user = ProfileFactory().user
    gone_tag = TagFactory()
    session.commit()
    trashed = [gone_post, gone_comment, gone_reply, gone_task, gone_user, gone_tag]
    soft_delete(session, trashed)
    session.commit()
    assert all(row.is_deleted for row in trashed)
    assert gone_user.profile is None  # the profile went to the trash with its user

    return {
        "User.full_name": {
            nameless.id: "",
            first_only.id: "Cher",
            last_only.id: "Banksy",
            author.id: "Ada Byron",
            gone_user.id: None,
        },
        "User.post_count": {author.id: 1},
        "Tag.post_count": {tag.id: 1, gone_tag.id: None},
        "Post.comment_count": {live_post.id: 2, gone_post.id: None},
        "Comment.reply_count": {live_comment.id: 1, gone_comment.id: None},
        "Post.reading_minutes": {
            live_post.id: 0,
            one_space.id: 1,
            exactly_200.id: 1,
            words_201.id: 2,
        },
        "Post.is_published": {future.id: False, past.id: True, never.id: False},
        "Task.is_overdue": {
            hour_ago.id: True,
            three_days_ago.id: True,
            tomorrow.id: False,
            done.id: False,
            done_late.id: False,
        },
        "Task.days_overdue": {
            hour_ago.id: 0,
            three_days_ago.id: 3,
            tomorrow.id: 0,
            done.id: 0,
            done_late.id: 0,
            gone_task.id: None,
        },
    }


def _python_values(session: Any, model: Any, name: str) -> dict[Any, Any]:
    session.expire_all()
    return {row.id: getattr(row, name) for row in session.scalars(select(model)).unique()}


def _sql_values(session: Any, model: Any, name: str) -> dict[Any, Any]:
    return dict(session.execute(select(model.id, getattr(model, name))).all())


@pytest.mark.parametrize(("model", "name"), HYBRIDS, ids=lambda v: getattr(v, "__name__", v))
def test_python_value_equals_sql_value_on_every_row(session, world, model, name):
    sql = _sql_values(session, model, name)
    python = _python_values(session, model, name)
    assert python.keys() == sql.keys()
    mismatches = {key: (python[key], sql[key]) for key in python if python[key] != sql[key]}
    assert not mismatches, f"{model.__name__}.{name} python != sql for {len(mismatches)} rows"
    # The SQL value has the Python value's type: an int stays an int, a bool a bool.
    assert {type(value) for value in sql.values()} == {type(value) for value in python.values()}
    # The edge rows hold the values a reader expects; trashed rows are not listed at all.
    edges = world[f"{model.__name__}.{name}"]
    assert {key: python.get(key) for key in edges} == edges


@pytest.mark.parametrize(("model", "name"), HYBRIDS, ids=lambda v: getattr(v, "__name__", v))
def test_sql_filter_selects_exactly_the_rows_with_that_python_value(session, world, model, name):
    python = _python_values(session, model, name)
    attribute = getattr(model, name)
    for value in set(python.values()):
        expected = {key for key, v in python.items() if v == value}
        found = set(session.scalars(select(model.id).where(attribute == value)))
        assert found == expected, f"{model.__name__}.{name} == {value!r}"


@pytest.mark.parametrize(
    ("model", "name"), BOOLEAN_HYBRIDS, ids=lambda v: getattr(v, "__name__", v)
)
def test_boolean_hybrid_works_as_a_bare_filter(session, world, model, name):
    python = _python_values(session, model, name)
    attribute = getattr(model, name)
    true_ids = set(session.scalars(select(model.id).where(attribute)))
    false_ids = set(session.scalars(select(model.id).where(not_(attribute))))
    assert true_ids == {key for key, value in python.items() if value is True}
    assert false_ids == {key for key, value in python.items() if value is False}
    assert true_ids
    assert false_ids


def test_time_dependent_edges_on_this_engine(session, world):
    """Due an hour ago is overdue by 0 days, three days ago by 3; future and done are not."""
    expected_overdue = world["Task.is_overdue"]
    expected_days = {k: v for k, v in world["Task.days_overdue"].items() if v is not None}
    rows = session.execute(
        select(Task.id, Task.is_overdue, Task.days_overdue).where(Task.id.in_(expected_days))
    ).all()
    assert {row.id: row.is_overdue for row in rows} == expected_overdue
    assert {row.id: row.days_overdue for row in rows} == expected_days
    published = session.execute(
        select(Post.id, Post.is_published).where(Post.id.in_(world["Post.is_published"]))
    ).all()
    assert dict(published) == world["Post.is_published"]


@pytest.mark.parametrize("model", SOFT_DELETABLE, ids=lambda m: m.__name__)
def test_is_deleted_python_and_sql_agree_including_trashed_rows(session, world, model):
    session.expire_all()
    python = {row.id: row.is_deleted for row in session.scalars(with_deleted(select(model)))}
    sql = dict(session.execute(with_deleted(select(model.id, model.is_deleted))).all())
    assert python == sql
    trashed = set(session.scalars(with_deleted(select(model.id).where(model.is_deleted))))
    live = set(session.scalars(with_deleted(select(model.id).where(not_(model.is_deleted)))))
    assert trashed == {key for key, value in python.items() if value}
    assert live == {key for key, value in python.items() if not value}
    assert trashed
    assert live
    # Without the bypass the soft-delete scope hides every trashed row, filter or not.
    assert session.scalars(select(model.id).where(model.is_deleted)).all() == []


HYPOTHESIS = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
BODY = st.lists(st.sampled_from(["word", "é", "data-base", "", " "]), max_size=450).map(" ".join)


@HYPOTHESIS
@given(body=BODY)
def test_reading_minutes_property(session, body):
    author = UserFactory()
    post = PostFactory(author=author, body=body)
    try:
        words = len(body.split(" ")) if body else 0
        expected = -(-words // 200)
        sql = session.scalar(select(Post.reading_minutes).where(Post.id == post.id))
        assert post.reading_minutes == expected
        assert sql == expected
        assert session.scalars(
            select(Post.id).where(Post.reading_minutes == expected, Post.id == post.id)
        ).all() == [post.id]
    finally:
        session.rollback()


@HYPOTHESIS
@given(
    minutes=st.integers(min_value=-10 * 1440, max_value=10 * 1440).filter(
        # Keep clear of whole-day boundaries: the clock moves while the example runs.
        lambda m: 2 <= m % 1440 <= 1438
    ),
    done=st.booleans(),
)
def test_days_overdue_property(session, minutes, done):
    now = utc_now()
    due = now - timedelta(minutes=minutes)
    task = TaskFactory(due_at=due, done_at=now if done else None)
    try:
        expected = 0 if done or minutes < 0 else minutes // 1440
        row = session.execute(
            select(Task.is_overdue, Task.days_overdue).where(Task.id == task.id)
        ).one()
        assert (task.is_overdue, task.days_overdue) == (not done and minutes > 0, expected)
        assert (row.is_overdue, row.days_overdue) == (task.is_overdue, expected)
    finally:
        session.rollback()
