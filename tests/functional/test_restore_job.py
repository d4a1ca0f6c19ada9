"""A big batch restores from the recycle bin as a job: the pre-flight, then chunks with progress."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from admin_app.models import BulkJob, Comment, Post, Role
from admin_app.soft_delete import with_deleted
from admin_app.trash import restore_job, soft_delete
from tests.conftest import csrf_token
from tests.factories import CommentFactory, PostFactory
from tests.functional.conftest import BIG_BATCH_POSTS

POSTS = BIG_BATCH_POSTS  # and one comment each: a batch of 12 rows, restored 5 at a time


@pytest.fixture
def batch(big_batch: Any) -> Any:
    return big_batch


def _ask_restore(client: Any, batch_id: Any) -> Any:
    url = f"/admin/trash/preview/?batch={batch_id}"
    data = {"batch": str(batch_id), "csrf_token": csrf_token(client, url)}
    return client.post("/admin/trash/restore/", data=data)


def _steps(
    client: Any, progress_url: str, *, stop_after: int | None = None
) -> list[dict[str, Any]]:
    page = client.get(progress_url).get_data(as_text=True)
    step = re.search(r'data-step-url="([^"]+)"', page).group(1)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    seen: list[dict[str, Any]] = []
    while (not seen or seen[-1]["status"] == "running") and len(seen) != stop_after:
        answer = client.post(step, headers={"X-CSRFToken": token})
        assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
        seen.append(answer.json)
    return seen


def _in_trash(session: Any, model: Any) -> list[Any]:
    session.rollback()
    return session.scalars(with_deleted(select(model)).where(model.deleted_at.is_not(None))).all()


def test_a_big_batch_restores_in_chunks_with_progress_and_a_complete_audit(
    client, session, as_role, audit_log, batch
):
    as_role(Role.EDITOR)
    preview = client.get(f"/admin/trash/batch/{batch.id}/").get_data(as_text=True)
    assert "Restoring brings back <strong>12 record(s)</strong>" in preview
    assert 'id="restore-as-job"' in preview  # the list shows the first rows only
    before = audit_log.seen()

    started = _ask_restore(client, batch.id)
    assert started.status_code == 302
    assert "/admin/trash/job/" in started.headers["Location"]
    assert len(_in_trash(session, Post)) == POSTS  # starting restores nothing yet
    steps = _steps(client, started.headers["Location"])
    assert [s["done"] for s in steps] == [5, 10, 12]
    assert steps[-1] == {"status": "done", "done": 12, "total": 12, "percent": 100, "error": None}

    assert _in_trash(session, Post) == []
    assert _in_trash(session, Comment) == []
    restores = [e for e in audit_log.entries(after=before) if e.action == "restore"]
    assert len(restores) == 2 * POSTS  # one entry per row, none missing
    assert {e.changes["delete_batch"][0] for e in restores} == {str(batch.id)}
    assert len({e.transaction_id for e in restores}) == 3  # each chunk commits its own


def test_a_second_restore_says_it_is_a_no_op(client, session, as_role, batch):
    as_role(Role.EDITOR)
    first = _ask_restore(client, batch.id).headers["Location"]
    _steps(client, first, stop_after=1)
    again = _ask_restore(client, batch.id)
    assert again.headers["Location"] == first  # the same job, not a second one
    page = client.get(first).get_data(as_text=True)
    assert "already running: nothing new was started" in page
    assert len(session.scalars(select(BulkJob)).all()) == 1

    _steps(client, first)
    done = client.post(
        "/admin/trash/restore/",
        data={"batch": str(batch.id), "csrf_token": csrf_token(client, "/admin/trash/")},
        follow_redirects=True,
    )
    assert "Nothing was restored: that batch is no longer in the trash" in done.get_data(
        as_text=True
    )


def test_the_pre_flight_runs_first_and_blocks_the_whole_batch(client, session, as_role, batch):
    taken = batch.records[0]
    PostFactory(title="Impostor", slug=taken.slug)  # a live post took a trashed post's slug
    session.commit()
    as_role(Role.EDITOR)
    answer = client.get(f"/admin/trash/batch/{batch.id}/").get_data(as_text=True)
    assert 'id="restore-problems"' in answer
    assert "is now used by a live record" in answer
    refused = _ask_restore(client, batch.id)
    page = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert f"Nothing was restored: slug {taken.slug!r}" in page.replace("&#39;", "'")
    assert len(_in_trash(session, Post)) == POSTS
    assert session.scalars(select(BulkJob)).all() == []


def test_a_job_that_fails_midway_leaves_the_rest_in_the_trash_restorable(
    client, session, as_role, audit_log, batch
):
    as_role(Role.EDITOR)
    progress = _ask_restore(client, batch.id).headers["Location"]
    assert _steps(client, progress, stop_after=1)[-1]["done"] == 5
    (last,) = _in_trash(session, Post)  # the sixth post comes in the second chunk
    impostor = PostFactory(title="Impostor", slug=last.slug)
    session.commit()

    failed = _steps(client, progress)[-1]
    assert failed["status"] == "failed"
    assert "is now used by a live record" in failed["error"]
    assert len(_in_trash(session, Post)) == 1
    assert len(_in_trash(session, Comment)) == POSTS
    assert {r.delete_batch for r in _in_trash(session, Comment)} == {batch.id}
    page = client.get(progress).get_data(as_text=True)
    assert "Stopped:" in page
    assert '<strong id="bulk-rest">7</strong> record(s) are still' in page

    impostor.slug = "impostor"
    session.commit()
    again = _ask_restore(client, batch.id).headers["Location"]
    assert again != progress  # the failed job stays as it ended; a new one restores the rest
    assert _steps(client, again)[-1] == {
        "status": "done",
        "done": 7,
        "total": 7,
        "percent": 100,
        "error": None,
    }
    assert _in_trash(session, Post) == []
    assert _in_trash(session, Comment) == []
    restores = audit_log.entries(action="restore")
    assert len(restores) == 2 * POSTS


def test_a_purge_of_a_batch_being_restored_is_refused(client, session, as_role, batch):
    as_role(Role.ADMIN)
    progress = _ask_restore(client, batch.id).headers["Location"]
    _steps(client, progress, stop_after=1)
    url = f"/admin/trash/preview/?batch={batch.id}"
    data = {"batch": str(batch.id), "confirm": "yes", "csrf_token": csrf_token(client, url)}
    refused = client.post("/admin/trash/purge/", data=data, follow_redirects=True)
    assert "Nothing was purged: a restore of that batch is running" in refused.get_data(
        as_text=True
    )
    _steps(client, progress)
    assert _in_trash(session, Post) == []
    assert _in_trash(session, Comment) == []


def test_viewers_may_not_run_restore_jobs(client, session, as_role, batch):
    job, _ = restore_job.start_restore(session, [batch.id], operator_id=None)
    session.commit()
    as_role(Role.VIEWER)
    assert client.get(f"/admin/trash/job/{job.id}/").status_code == 403
    token = csrf_token(client, "/admin/trash/")
    step = client.post(f"/admin/trash/job/{job.id}/step/", headers={"X-CSRFToken": token})
    assert step.status_code == 403
    assert len(_in_trash(session, Post)) == POSTS
    assert client.get("/admin/trash/job/not-a-uuid/").status_code in (403, 404)


def test_retention_leaves_a_batch_being_restored_alone(session, batch):
    from datetime import timedelta

    from admin_app.columns import utc_now
    from admin_app.trash import purge_older_than

    restore_job.start_restore(session, [batch.id], operator_id=None)
    session.commit()
    other = PostFactory(title="Old news")
    session.commit()
    soft_delete(session, [other])
    session.commit()
    removed = purge_older_than(session, before=utc_now() + timedelta(days=1))
    session.commit()
    assert removed == {"posts": 1}  # only the batch nobody is restoring
    assert len(_in_trash(session, Post)) == POSTS


def test_the_pre_flight_finds_parents_still_in_the_trash(client, session, as_role, monkeypatch):
    monkeypatch.setattr(restore_job, "BIG_BATCH", 5)
    posts = [PostFactory(title=f"Numbat {n}") for n in range(POSTS)]
    comments = [CommentFactory(post=post) for post in posts]
    session.commit()
    replies = soft_delete(session, comments)  # the comments first, in a batch of their own
    session.commit()
    soft_delete(session, posts)
    session.commit()
    as_role(Role.EDITOR)
    page = client.get(f"/admin/trash/batch/{replies.id}/").get_data(as_text=True)
    assert 'id="restore-as-job"' in page
    assert "which is still in the trash" in page
    refused = _ask_restore(client, replies.id)
    assert "/admin/trash/job/" not in refused.headers["Location"]
    assert len(_in_trash(session, Comment)) == POSTS
    assert session.scalars(select(BulkJob)).all() == []
