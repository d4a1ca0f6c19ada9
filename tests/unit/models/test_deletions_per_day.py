"""Deletions per day come from the audit trail's moves into the trash, whichever path moved them."""

from __future__ import annotations

from sqlalchemy import delete

from admin_app.audit import pruning
from admin_app.models import DOMAIN_MODELS, AuditEntry, Post
from admin_app.models.reports import activity_by_day
from admin_app.trash import restore, soft_delete
from admin_app.trash.bulk import apply_chunk, start_job
from admin_app.undo import undo
from tests.factories import PostFactory, UserFactory

MODELS = list(DOMAIN_MODELS)


def _deleted_today(session, audit_log) -> int:
    # "Now" is the trail's own latest time, so the test cannot straddle midnight.
    latest = max(e.occurred_at for e in audit_log.entries())
    return sum(activity_by_day(session, MODELS, now=latest).deleted)


def test_records_an_undo_trashes_are_counted_and_what_it_restores_is_not(session, audit_log):
    user = UserFactory()
    session.commit()
    made = audit_log.entries(action="create")[-1].transaction_id
    undo(session, made)  # undoing the create moves the user (and what it owns) to the trash
    session.commit()
    assert _deleted_today(session, audit_log) == 1

    post = PostFactory()
    session.commit()
    moved = len(soft_delete(session, [post]).records)
    session.commit()
    trashed = {e.transaction_id for e in audit_log.entries(action="soft_delete")}
    assert _deleted_today(session, audit_log) == 1 + moved
    undo(session, trashed.pop())  # the undo restores the post: no deletion more, none fewer
    session.commit()
    assert session.get(Post, post.id) is not None
    assert _deleted_today(session, audit_log) == 1 + moved
    assert session.get(type(user), user.id) is None  # still in the trash, hidden


def test_a_bulk_trash_job_counts_every_row_it_moves(session, audit_log):
    posts = PostFactory.create_batch(5)
    session.commit()
    job = start_job(
        session, action="trash", entity_type="post", criteria="", total=5, operator_id=None
    )
    apply_chunk(session, job, sorted(posts, key=lambda p: p.id), chunk=500)
    session.commit()
    assert all(session.get(Post, p.id) is None for p in posts)
    assert _deleted_today(session, audit_log) == 5


def test_restore_and_pruning_the_trail_take_no_deletion_back(session, audit_log):
    posts = PostFactory.create_batch(3)
    session.commit()
    batch = soft_delete(session, posts)
    session.commit()
    count = _deleted_today(session, audit_log)
    restore(session, [batch.id])
    session.commit()
    latest = max(e.occurred_at for e in audit_log.entries())
    # The chart reads the rollup kept on write, not the trail: emptying the trail changes nothing.
    with pruning(session.connection()):
        session.execute(delete(AuditEntry))
    session.commit()
    assert count == 3
    assert sum(activity_by_day(session, MODELS, now=latest).deleted) == 3
