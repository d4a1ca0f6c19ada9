"""The trail of every ORM write path: exact entries, one transaction id per unit of work."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select, update

from admin_app.models import (
    Comment,
    Operator,
    Post,
    Profile,
    Role,
    Tag,
    Task,
    User,
)
from admin_app.soft_delete import with_deleted
from admin_app.trash import batch_records, purge, restore, soft_delete
from tests.factories import (
    CommentFactory,
    PostFactory,
    ProfileFactory,
    TagFactory,
    TaskFactory,
    UserFactory,
)

PUBLISHED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
_MODELS: dict[str, Any] = {m.__name__.lower(): m for m in (User, Profile, Post, Comment, Tag, Task)}


def _by_repr(entries: list) -> dict[str, Any]:
    return {entry.entity_repr: entry for entry in entries}


def _one_transaction(entries: list) -> uuid.UUID:
    ids = {entry.transaction_id for entry in entries}
    assert len(ids) == 1, ids
    return ids.pop()


def _live(session: Any, model: Any, record_id: Any) -> Any:
    return session.scalars(with_deleted(select(model).where(model.id == record_id))).first()


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


# --- create -------------------------------------------------------------------------------


def test_create_records_a_snapshot_of_every_set_column_and_tag_membership(session, audit_log):
    author = UserFactory(username="ada")
    python, databases = TagFactory(name="python"), TagFactory(name="databases")
    post = Post(
        title="Pools explained",
        body="Body.",
        author=author,
        tags=[python, databases],
        published_at=PUBLISHED,
    )
    session.add(post)
    session.commit()

    entries = audit_log.entries()
    assert sorted((e.action, e.entity_type, e.entity_repr) for e in entries) == [
        ("create", "post", "Pools explained"),
        ("create", "tag", "databases"),
        ("create", "tag", "python"),
        ("create", "user", "ada"),
    ]
    _one_transaction(entries)
    assert {e.actor_name for e in entries} == {"system"}
    assert {e.actor_id for e in entries} == {None}

    post = session.get(Post, post.id)
    entry = _by_repr(entries)["Pools explained"]
    assert entry.entity_id == str(post.id)
    assert entry.changes == {
        "id": [None, str(post.id)],
        "title": [None, "Pools explained"],
        "slug": [None, "pools-explained"],
        "body": [None, "Body."],
        "published_at": [None, "2026-01-02T03:04:05+00:00"],
        "author_id": [None, str(author.id)],
        "created_at": [None, post.created_at.isoformat()],
        "updated_at": [None, post.updated_at.isoformat()],
        "tags": [[], ["databases", "python"]],
    }
    tag_entry = _by_repr(entries)["python"]
    assert tag_entry.changes["name"] == [None, "python"]
    assert tag_entry.changes["slug"] == [None, "python"]


# --- update -------------------------------------------------------------------------------


def test_update_records_only_the_changed_fields(session, audit_log):
    post = PostFactory(title="Old title", body="Old body.", published_at=None)
    before = audit_log.seen()

    post.title = "New title"
    post.body = "New body."
    post.published_at = PUBLISHED
    session.commit()

    (entry,) = audit_log.entries(before)
    assert (entry.action, entry.entity_type, entry.entity_id, entry.entity_repr) == (
        "update",
        "post",
        str(post.id),
        "New title",
    )
    assert entry.changes == {
        "title": ["Old title", "New title"],
        "body": ["Old body.", "New body."],
        "published_at": [None, "2026-01-02T03:04:05+00:00"],
    }


def test_setting_the_same_value_records_nothing(session, audit_log):
    post = PostFactory(title="Same")
    before = audit_log.seen()

    post.title = "Same"
    session.commit()

    assert audit_log.entries(before) == []


def test_a_change_to_updated_at_alone_is_not_recorded(session, audit_log):
    task = TaskFactory()
    before = audit_log.seen()

    task.updated_at = PUBLISHED
    session.commit()

    assert _live(session, Task, task.id).updated_at == PUBLISHED
    assert audit_log.entries(before) == []


def test_update_of_an_unloaded_attribute_records_the_real_old_value(session, audit_log):
    post = PostFactory(title="Loaded from the database")
    before = audit_log.seen()

    session.expire(post, ["title"])
    assert "title" not in post.__dict__
    post.title = "Changed blind"
    session.commit()

    (entry,) = audit_log.entries(before)
    assert entry.action == "update"
    assert entry.changes == {"title": ["Loaded from the database", "Changed blind"]}


def test_update_after_commit_expired_everything_records_the_real_old_value(session, audit_log):
    task = TaskFactory(priority=1)
    before = audit_log.seen()  # commit expires every attribute

    task.priority = 3
    session.commit()

    (entry,) = audit_log.entries(before)
    assert entry.changes == {"priority": [1, 3]}


# --- many-to-many -------------------------------------------------------------------------


def test_tag_added_and_removed_records_old_and_new_membership(session, audit_log):
    python, sql, rust = TagFactory(name="python"), TagFactory(name="sql"), TagFactory(name="rust")
    post = PostFactory(title="Membership", tags=[python, sql])
    before = audit_log.seen()

    post, rust = session.get(Post, post.id), session.get(Tag, rust.id)
    post.tags.remove(next(t for t in post.tags if t.name == "sql"))
    post.tags.append(rust)
    session.commit()

    entries = audit_log.entries(before)
    post_entries = [e for e in entries if e.entity_type == "post"]
    assert len(post_entries) == 1
    (entry,) = post_entries
    assert entry.action == "update"
    assert entry.entity_id == str(post.id)
    assert entry.changes == {"tags": [["python", "sql"], ["python", "rust"]]}
    _one_transaction(entries)


def test_membership_change_seen_from_the_post_is_one_post_entry(session, audit_log):
    tag = TagFactory(name="shared")
    PostFactory(title="First post", tags=[tag])
    second = PostFactory(title="Second post")
    before = audit_log.seen()

    second, tag = session.get(Post, second.id), session.get(Tag, tag.id)
    second.tags.append(tag)
    session.commit()

    entries = audit_log.entries(before)
    assert [(e.action, e.entity_type, e.entity_repr, e.changes) for e in entries] == [
        ("update", "post", "Second post", {"tags": [[], ["shared"]]})
    ]


def test_membership_change_with_the_tag_side_loaded_shows_its_whole_membership(session, audit_log):
    tag = TagFactory(name="shared")
    PostFactory(title="First post", tags=[tag])
    second = PostFactory(title="Second post")
    before = audit_log.seen()

    second, tag = session.get(Post, second.id), session.get(Tag, tag.id)
    assert [p.title for p in tag.posts] == ["First post"]  # the tag's collection is loaded
    second.tags.append(tag)
    session.commit()

    entries = audit_log.entries(before)
    assert sorted((e.entity_type, e.entity_repr, str(e.changes)) for e in entries) == [
        ("post", "Second post", str({"tags": [[], ["shared"]]})),
        ("tag", "shared", str({"posts": [["First post"], ["First post", "Second post"]]})),
    ]
    _one_transaction(entries)


# --- trash --------------------------------------------------------------------------------


def test_soft_delete_writes_one_entry_per_record_of_the_batch(session, audit_log):
    operator = Operator(username="eve", role=Role.EDITOR.value)
    operator.set_password("irrelevant password")
    session.add(operator)
    user = UserFactory(username="ada")
    ProfileFactory(user=user)
    post = PostFactory(title="Ada's post", author=user)
    CommentFactory(post=post, author=user, body="A comment.")
    TaskFactory(assignee=user, title="Ada's task")
    before = audit_log.seen()

    batch = soft_delete(session, [session.get(User, user.id)], actor_id=operator.id)
    session.commit()

    entries = audit_log.entries(before)
    assert sorted((e.action, e.entity_type, e.entity_id) for e in entries) == sorted(
        ("soft_delete", type(r).__name__.lower(), str(r.id)) for r in batch.records
    )
    assert sorted(e.entity_type for e in entries) == ["comment", "post", "profile", "task", "user"]
    _one_transaction(entries)
    for entry in entries:
        record = _live(session, _MODELS[entry.entity_type], uuid.UUID(entry.entity_id))
        assert entry.changes == {
            "deleted_at": [None, _iso(record.deleted_at)],
            "delete_batch": [None, str(batch.id)],
            "deleted_by": [None, str(operator.id)],
        }
    assert sorted(
        (e.entity_type, e.entity_repr) for e in entries if e.entity_type != "profile"
    ) == [
        ("comment", "A comment."),
        ("post", "Ada's post"),
        ("task", "Ada's task"),
        ("user", "ada"),
    ]


def test_soft_delete_entry_of_an_owned_profile_names_its_owner(session, audit_log):
    user = UserFactory(username="ada")
    ProfileFactory(user=user)
    before = audit_log.seen()

    soft_delete(session, [session.get(User, user.id)])
    session.commit()

    entries = audit_log.entries(before)
    assert sorted((e.entity_type, e.entity_repr) for e in entries) == [
        ("profile", "Profile of ada"),
        ("user", "ada"),
    ]


def test_restore_writes_restore_entries(session, audit_log):
    user = UserFactory(username="ada")
    PostFactory(title="Ada's post", author=user)
    session.commit()
    batch = soft_delete(session, [user])
    session.commit()
    deleted_at = _iso(_live(session, User, user.id).deleted_at)
    before = audit_log.seen()

    restore(session, [batch.id])
    session.commit()

    entries = audit_log.entries(before)
    assert sorted((e.action, e.entity_type, e.entity_repr) for e in entries) == [
        ("restore", "post", "Ada's post"),
        ("restore", "user", "ada"),
    ]
    _one_transaction(entries)
    assert _by_repr(entries)["ada"].changes == {
        "deleted_at": [deleted_at, None],
        "delete_batch": [str(batch.id), None],
    }


def test_purge_writes_purge_entries_with_a_full_snapshot(session, audit_log):
    author = UserFactory(username="ada")
    tag = TagFactory(name="python")
    post = PostFactory(title="Doomed", body="Gone soon.", author=author, tags=[tag])
    post.published_at = PUBLISHED
    session.commit()
    post_id, created_at = post.id, _iso(post.created_at)
    batch = soft_delete(session, [post])
    session.commit()
    deleted_at = _iso(_live(session, Post, post_id).deleted_at)
    before = audit_log.seen()

    purge(session, batch_records(session, [batch.id]))
    session.commit()

    assert _live(session, Post, post_id) is None
    entries = audit_log.entries(before)
    assert [(e.entity_type, e.entity_id, e.entity_repr) for e in entries] == [
        ("post", str(post_id), "Doomed")
    ]
    changes = entries[0].changes
    assert changes["id"] == [str(post_id), None]
    assert changes["title"] == ["Doomed", None]
    assert changes["slug"] == ["doomed", None]
    assert changes["body"] == ["Gone soon.", None]
    assert changes["author_id"] == [str(author.id), None]
    assert changes["published_at"] == ["2026-01-02T03:04:05+00:00", None]
    assert changes["created_at"] == [created_at, None]
    assert changes["deleted_at"] == [deleted_at, None]
    assert changes["delete_batch"] == [str(batch.id), None]
    assert entries[0].action == "purge"


def test_purge_of_a_user_records_the_owned_rows_the_database_removes_with_it(session, audit_log):
    user = UserFactory(username="ada")
    post = PostFactory(title="Ada's post", author=user)
    CommentFactory(post=post, author=user, body="A comment.")
    session.commit()
    user_id, post_id = user.id, post.id
    soft_delete(session, [user])
    before = audit_log.seen()

    purge(session, [_live(session, User, user_id)])
    session.commit()

    assert _live(session, Post, post_id) is None  # gone by the database cascade
    entries = audit_log.entries(before)
    assert sorted((e.action, e.entity_type, e.entity_repr) for e in entries) == [
        ("purge", "comment", "A comment."),
        ("purge", "post", "Ada's post"),
        ("purge", "user", "ada"),
    ]


# --- bulk statements ----------------------------------------------------------------------


def test_bulk_update_writes_one_entry_per_live_row_it_changed(session, audit_log):
    low = TaskFactory(title="Low", priority=1)
    normal = TaskFactory(title="Normal", priority=2)
    TaskFactory(title="Already urgent", priority=4)
    trashed = TaskFactory(title="Trashed", priority=1)
    session.commit()
    soft_delete(session, [trashed])
    before = audit_log.seen()

    session.execute(update(Task).where(Task.priority < 3).values(priority=4))
    session.commit()

    entries = audit_log.entries(before)
    assert sorted((e.action, e.entity_type, e.entity_id, e.entity_repr) for e in entries) == sorted(
        [
            ("bulk_update", "task", str(low.id), "Low"),
            ("bulk_update", "task", str(normal.id), "Normal"),
        ]
    )
    _one_transaction(entries)
    assert _live(session, Task, trashed.id).priority == 1  # not touched
    assert _by_repr(entries)["Low"].changes["priority"] == [1, 4]
    assert _by_repr(entries)["Normal"].changes["priority"] == [2, 4]
    # Like an ORM update, the entry holds what the operator changed, not updated_at.
    assert _by_repr(entries)["Low"].changes == {"priority": [1, 4]}
    assert _by_repr(entries)["Normal"].changes == {"priority": [2, 4]}


def test_bulk_update_records_the_updated_at_it_moves_only_with_a_real_change(session, audit_log):
    """updated_at alone is bookkeeping: a bulk update to the same value records nothing."""
    TaskFactory(title="Urgent", priority=4)
    before = audit_log.seen()

    session.execute(update(Task).where(Task.title == "Urgent").values(priority=4))
    session.commit()

    assert audit_log.entries(before) == []


def test_bulk_delete_writes_entries_with_snapshots(session, audit_log):
    gone = TaskFactory(title="Gone", priority=3)
    TaskFactory(title="Kept")
    session.commit()
    gone_id, assignee_id, due_at = gone.id, gone.assignee_id, _iso(gone.due_at)
    before = audit_log.seen()

    session.execute(delete(Task).where(Task.title == "Gone"))
    session.commit()

    assert _live(session, Task, gone_id) is None
    (entry,) = audit_log.entries(before)
    assert (entry.action, entry.entity_type, entry.entity_id, entry.entity_repr) == (
        "bulk_delete",
        "task",
        str(gone_id),
        "Gone",
    )
    assert entry.changes["id"] == [str(gone_id), None]
    assert entry.changes["title"] == ["Gone", None]
    assert entry.changes["priority"] == [3, None]
    assert entry.changes["assignee_id"] == [str(assignee_id), None]
    assert entry.changes["due_at"] == [due_at, None]
    assert entry.changes["deleted_at"] == [None, None]


# --- actor, request, transaction ----------------------------------------------------------


def test_actor_from_session_info_is_honoured(session, audit_log):
    actor_id = uuid.uuid4()
    session.info["actor"] = {"id": str(actor_id), "name": "grace"}
    session.info["request"] = {"id": "req-42", "remote_addr": "203.0.113.7"}

    TagFactory(name="named")
    session.commit()

    (entry,) = audit_log.entries()
    assert (entry.actor_id, entry.actor_name) == (actor_id, "grace")
    assert (entry.request_id, entry.remote_addr) == ("req-42", "203.0.113.7")


def test_without_an_actor_the_entry_says_system(session, audit_log):
    session.info.pop("actor", None)
    session.info.pop("request", None)

    TagFactory(name="anonymous")
    session.commit()

    (entry,) = audit_log.entries()
    assert (entry.actor_id, entry.actor_name) == (None, "system")
    assert (entry.request_id, entry.remote_addr) == (None, None)


def test_occurred_at_is_utc_and_recent(session, audit_log):
    start = datetime.now(UTC)
    TagFactory(name="clock")
    session.commit()

    (entry,) = audit_log.entries()
    assert entry.occurred_at.tzinfo is not None
    assert entry.occurred_at.utcoffset().total_seconds() == 0
    assert start <= entry.occurred_at <= datetime.now(UTC)


def test_every_flush_of_one_transaction_shares_its_id(session, audit_log):
    TagFactory(name="first flush")
    session.flush()
    TagFactory(name="second flush")
    session.flush()
    with session.begin_nested():
        TagFactory(name="in a savepoint")
    session.commit()

    entries = audit_log.entries()
    assert len(entries) == 3
    _one_transaction(entries)


def test_separate_transactions_get_separate_ids(session, audit_log):
    transaction_ids = []
    for n in range(20):
        before = audit_log.seen()
        TagFactory(name=f"tag {n}")
        session.commit()
        (entry,) = audit_log.entries(before)
        transaction_ids.append(entry.transaction_id)

    assert len(set(transaction_ids)) == 20, transaction_ids
