"""Bulk jobs: progress per chunk, one batch for a trash, and a clear stop when a chunk fails."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from admin_app.models import BulkJob, Post, User
from admin_app.soft_delete import with_deleted
from admin_app.trash import soft_delete
from admin_app.trash.bulk import BulkError, apply_chunk, fail, start_job
from tests.factories import PostFactory, UserFactory


def _job(session, action, total):
    job = start_job(
        session, action=action, entity_type="post", criteria="", total=total, operator_id=None
    )
    session.commit()
    return job


def test_trash_chunks_share_one_batch_and_finish_on_a_short_chunk(session):
    posts = PostFactory.create_batch(5)
    session.commit()
    job = _job(session, "trash", 5)
    apply_chunk(session, job, posts[:3], chunk=3)
    apply_chunk(session, job, posts[3:], chunk=3)
    session.commit()
    assert (job.status, job.done, job.percent) == ("done", 5, 100)
    batches = set(session.scalars(with_deleted(select(Post.delete_batch))))
    assert batches == {job.batch_id}
    with pytest.raises(BulkError, match="the job is done"):
        apply_chunk(session, job, [])


def test_a_blocked_restore_stops_the_job_with_the_reason(session):
    user = UserFactory(username="grace")
    session.commit()
    soft_delete(session, [user])
    UserFactory(username="grace")
    session.commit()
    job = start_job(
        session, action="restore", entity_type="user", criteria="", total=1, operator_id=None
    )
    session.commit()
    trashed = session.scalars(with_deleted(select(User)).where(User.deleted_at.is_not(None))).all()
    with pytest.raises(BulkError, match="is now used by a live record") as refused:
        apply_chunk(session, job, list(trashed))
    session.rollback()
    fail(session, job.id, str(refused.value))
    session.commit()
    stopped = session.get(BulkJob, job.id)
    assert stopped.status == "failed"
    assert "grace" in stopped.error


def test_an_unknown_action_is_refused(session):
    with pytest.raises(BulkError, match="unknown bulk action"):
        start_job(
            session, action="explode", entity_type="post", criteria="", total=1, operator_id=None
        )
