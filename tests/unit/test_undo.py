"""Undo plans what it can take back and refuses, changing nothing, what it cannot."""

from __future__ import annotations

import pytest

from admin_app.soft_delete import get_with_deleted
from admin_app.trash import soft_delete
from admin_app.undo import UndoError, plan_undo, undo
from tests.factories import PostFactory, TagFactory, UserFactory


def _tx(audit_log, **where):
    return audit_log.entries(**where)[-1].transaction_id


def test_a_create_trashed_since_is_skipped_and_the_rest_undone(session, audit_log, trash):
    tag = TagFactory(name="fresh")
    post = PostFactory(title="Fresh post")
    session.commit()
    tx = _tx(audit_log, entity_type="tag", action="create")
    trash(tag)
    plan = plan_undo(session, tx)
    assert any("fresh" in skipped for skipped in plan.skipped)
    undo(session, tx)
    session.commit()
    assert get_with_deleted(session, type(post), post.id).deleted_at is not None


def test_an_update_of_a_record_now_in_the_trash_is_refused(session, audit_log, trash):
    post = PostFactory(title="Before")
    session.commit()
    post.title = "After"
    session.commit()
    tx = _tx(audit_log, entity_type="post", action="update")
    trash(post)
    with pytest.raises(UndoError, match="restore it first"):
        undo(session, tx)


def test_a_restore_blocked_by_a_taken_name_refuses_the_whole_undo(session, audit_log):
    user = UserFactory(username="grace")
    session.commit()
    soft_delete(session, [user])
    session.commit()
    tx = _tx(audit_log, entity_type="user", action="soft_delete")
    UserFactory(username="grace")  # the name is taken again
    session.commit()
    with pytest.raises(UndoError, match="is now used by a live record"):
        undo(session, tx)
    session.rollback()
    assert get_with_deleted(session, type(user), user.id).deleted_at is not None


def test_a_transaction_with_nothing_to_undo_says_so(session, audit_log):
    import uuid

    assert plan_undo(session, uuid.uuid4()).problems == ["nothing in it can be undone"]
