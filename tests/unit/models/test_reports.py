from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, text

from admin_app.columns import utc_now
from admin_app.models import DOMAIN_MODELS, Post, Role
from admin_app.models.batches import count_batches, newest_batches
from admin_app.models.reports import activity_by_day, overdue_tasks, utc_day
from admin_app.trash import purge, restore, soft_delete
from tests.conftest import make_operator
from tests.factories import CommentFactory, PostFactory, TaskFactory, UserFactory

MODELS = list(DOMAIN_MODELS)
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def test_utc_day_is_the_utc_calendar_day_whatever_the_session_time_zone(session, dialect):
    if dialect == "postgresql":
        # Auckland is already on the next day at 23:30 UTC.
        session.execute(text("SET TIME ZONE 'Pacific/Auckland'"))
    late = PostFactory(created_at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    early = PostFactory(created_at=datetime(2026, 3, 2, 0, 0, tzinfo=UTC))
    days = dict(session.execute(select(Post.id, utc_day(Post.created_at))).all())
    assert days == {late.id: "2026-03-01", early.id: "2026-03-02"}


def test_overdue_tasks_are_the_most_overdue_open_ones_first(session):
    now = utc_now()
    ada = UserFactory(username="ada")
    for days in range(1, 13):
        TaskFactory(title=f"{days} days late", due_at=now - timedelta(days=days, hours=1))
    TaskFactory(title="done", due_at=now - timedelta(days=30), done_at=now)
    TaskFactory(title="not yet due", due_at=now + timedelta(days=1))
    trashed = TaskFactory(title="trashed", due_at=now - timedelta(days=40), assignee=ada)
    soft_delete(session, [trashed])
    session.commit()

    shown = overdue_tasks(session)

    assert [task.title for task in shown] == [f"{days} days late" for days in range(12, 2, -1)]
    assert [task.days_overdue for task in shown] == list(range(12, 2, -1))
    assert all(task.assignee and task.assignee.startswith("user") for task in shown)


def test_overdue_task_whose_assignee_is_trashed_is_still_listed(session):
    task = TaskFactory(title="orphaned", due_at=utc_now() - timedelta(days=2))
    task.assignee.deleted_at = utc_now()  # trashed alone, without the cascade
    session.commit()
    assert [(t.title, t.assignee) for t in overdue_tasks(session)] == [("orphaned", None)]


def test_newest_delete_batches_say_when_who_what_and_how_many(session):
    operator = make_operator("olga", Role.EDITOR)
    post = PostFactory(title="Pooling notes")
    CommentFactory.create_batch(3, post=post)
    first = soft_delete(session, [post], actor_id=operator.id)
    comments = CommentFactory.create_batch(2)
    second = soft_delete(session, comments)
    session.commit()

    newest, oldest = newest_batches(session, MODELS, limit=10).batches

    assert (newest.id, newest.deleted_by, newest.counts, newest.label) == (
        second.id,
        None,
        {"Comment": 2},
        None,
    )
    assert (oldest.id, oldest.deleted_by, oldest.total, oldest.label) == (
        first.id,
        "olga",
        4,
        "Pooling notes",
    )
    assert list(oldest.counts) == ["Post", "Comment"]  # the root's model first
    assert oldest.deleted_at == first.records[0].deleted_at


def test_newest_delete_batches_keep_the_ten_newest(session):
    posts = PostFactory.create_batch(12)
    batches = [soft_delete(session, [post]) for post in posts]
    session.commit()
    shown = newest_batches(session, MODELS, limit=10).batches
    assert [batch.id for batch in shown] == [batch.id for batch in reversed(batches)][:10]


def test_activity_counts_created_and_deleted_records_per_day(session):
    PostFactory(created_at=NOW - timedelta(days=40))  # before the window
    PostFactory(created_at=NOW - timedelta(days=29, hours=11))  # the window's first day
    user = UserFactory(created_at=NOW - timedelta(days=2))
    PostFactory.create_batch(2, author=user, created_at=NOW - timedelta(days=2))
    gone = PostFactory(created_at=NOW - timedelta(days=1))
    gone.deleted_at = NOW  # still counted as created on its own day
    session.commit()

    activity = activity_by_day(session, MODELS, now=NOW)

    assert len(activity.days) == 30
    assert (activity.days[0], activity.days[-1]) == (date(2026, 2, 9), date(2026, 3, 10))
    created = dict(zip(activity.days, activity.created, strict=True))
    # Each post brings its author; the factory's users are created "now", outside the window.
    assert {day: n for day, n in created.items() if n} == {
        date(2026, 2, 9): 1,
        date(2026, 3, 8): 3,
        date(2026, 3, 9): 1,
    }
    # Deletions come from the audit trail, and setting the column wrote no soft_delete entry.
    assert not any(activity.deleted)


def test_deletions_per_day_outlive_restore_and_purge(session, audit_log):
    user = UserFactory()
    PostFactory.create_batch(2, author=user)
    session.commit()
    batch = soft_delete(session, [user])
    session.commit()
    restore(session, [batch.id])
    session.commit()
    again = soft_delete(session, [user.posts[0]])
    session.commit()
    purge(session, again.records)
    session.commit()

    # "Now" is the audit's own latest time, so the test cannot straddle midnight.
    latest = max(e.occurred_at for e in audit_log.entries(action="soft_delete"))
    activity = activity_by_day(session, MODELS, now=latest)
    assert sum(activity.deleted) == 4  # the user and two posts, then one post again


def test_batches_page_newest_first_and_are_counted(session):
    posts = [PostFactory(title=f"Batch {n}") for n in range(3)]
    session.commit()
    for n, post in enumerate(posts):
        soft_delete(session, [post])
        post.deleted_at = utc_now() - timedelta(hours=3 - n)  # Batch 2 is the newest
    session.commit()
    models = list(DOMAIN_MODELS)
    first = newest_batches(session, models, limit=2)
    last = first.batches[-1]
    rest = newest_batches(session, models, limit=2, before=(last.deleted_at, last.id))
    assert ([b.label for b in first.batches], first.more) == (["Batch 2", "Batch 1"], True)
    assert ([b.label for b in rest.batches], rest.more) == (["Batch 0"], False)
    assert int(count_batches(session, models, threshold=10_000)) == 3
