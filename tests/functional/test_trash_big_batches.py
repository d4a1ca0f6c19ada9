"""A big batch never comes back or goes for good in one request, whichever page asks."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from admin_app.models import BulkJob, Comment, Post, Role
from admin_app.soft_delete import with_deleted
from admin_app.trash.bulk import BulkError, apply_chunk, start_job
from admin_app.trash.purge_job import start_purge
from tests.conftest import csrf_token
from tests.factories import PostFactory
from tests.functional.conftest import BIG_BATCH_POSTS

POSTS = BIG_BATCH_POSTS  # and one comment each: a batch of 12 rows, above a BIG_BATCH of 5


@pytest.fixture
def big(big_batch: Any) -> Any:
    return big_batch


def _steps(client: Any, progress_url: str) -> list[dict[str, Any]]:
    page = client.get(progress_url).get_data(as_text=True)
    step = re.search(r'data-step-url="([^"]+)"', page).group(1)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    seen: list[dict[str, Any]] = []
    while not seen or seen[-1]["status"] == "running":
        answer = client.post(step, headers={"X-CSRFToken": token})
        assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
        seen.append(answer.json)
    return seen


def _in_trash(session: Any, model: Any) -> list[Any]:
    session.rollback()
    return session.scalars(with_deleted(select(model)).where(model.deleted_at.is_not(None))).all()


def test_restoring_a_filter_over_a_big_batch_runs_the_restore_job(client, session, as_role, big):
    as_role(Role.EDITOR)
    url = "/admin/post-trash/bulk/?action=restore&search=Wombat"
    page = client.get(url).get_data(as_text=True)
    assert 'id="restore-as-job"' in page
    assert "12 record(s)</strong> in all" in page  # the whole batch, comments too
    assert "restore job" in page
    assert _in_trash(session, Post)  # the dry run changed nothing

    started = client.post(url, data={"confirm": "yes", "csrf_token": csrf_token(client, url)})
    progress = started.headers["Location"]
    assert "/admin/trash/job/" in progress
    shown = client.get(progress).get_data(as_text=True)
    assert "come back as a restore job, in chunks" in shown

    steps = _steps(client, progress)
    assert [s["done"] for s in steps] == [5, 10, 12]  # never more than a chunk per request
    assert steps[-1]["status"] == "done"
    assert _in_trash(session, Post) == []
    assert _in_trash(session, Comment) == []
    assert session.scalar(select(BulkJob.total).where(BulkJob.entity_type == "batch")) == 12


def test_the_filter_s_pre_flight_blocks_a_big_batch_before_anything_starts(
    client, session, as_role, big
):
    PostFactory(title="Wombat live", slug=big.records[0].slug)  # a live row takes its slug
    session.commit()
    as_role(Role.EDITOR)
    url = "/admin/post-trash/bulk/?action=restore&search=Wombat"
    page = client.get(url).get_data(as_text=True)
    assert 'id="restore-problems"' in page
    assert "Nothing can be restored yet" in page
    refused = client.post(url, data={"confirm": "yes", "csrf_token": csrf_token(client, url)})
    assert refused.status_code == 302
    assert "/bulk/" in refused.headers["Location"]
    assert session.scalar(select(BulkJob.id)) is None
    assert len(_in_trash(session, Post)) == POSTS


def test_a_bulk_restore_chunk_refuses_a_big_batch(session, big):
    job = start_job(
        session, action="restore", entity_type="post", criteria="", total=1, operator_id=None
    )
    session.commit()
    post = _in_trash(session, Post)[0]
    with pytest.raises(BulkError, match="more than 5 rows: restore it from the recycle bin"):
        apply_chunk(session, job, [post])
    session.rollback()
    assert len(_in_trash(session, Post)) == POSTS


def _start_restore(client: Any, batch_id: Any) -> str:
    url = f"/admin/trash/preview/?batch={batch_id}"
    data = {"batch": str(batch_id), "csrf_token": csrf_token(client, url)}
    progress = client.post("/admin/trash/restore/", data=data).headers["Location"]
    page = client.get(progress).get_data(as_text=True)
    step = re.search(r'data-step-url="([^"]+)"', page).group(1)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    assert client.post(step, headers={"X-CSRFToken": token}).json["status"] == "running"
    return progress


def test_every_purge_path_refuses_a_batch_being_restored(client, session, as_role, big):
    as_role(Role.ADMIN)
    progress = _start_restore(client, big.id)
    left = _in_trash(session, Post)
    assert left  # the job is midway

    url = "/admin/post-trash/"
    data = {"rowid": [str(left[0].id)], "confirm": "yes", "csrf_token": csrf_token(client, url)}
    refused = client.post("/admin/post-trash/purge/", data=data, follow_redirects=True)
    assert "Nothing was purged: a restore of that batch is running" in refused.get_data(
        as_text=True
    )

    url = "/admin/post-trash/bulk/?action=purge"
    data = {"confirm": "yes", "csrf_token": csrf_token(client, url)}
    refused = client.post(url, data=data, follow_redirects=True)
    assert "Nothing was purged: a restore of a batch among these rows is running" in (
        refused.get_data(as_text=True)
    )
    assert session.scalar(select(BulkJob.id).where(BulkJob.action == "purge")) is None

    job = start_job(
        session, action="purge", entity_type="post", criteria="", total=1, operator_id=None
    )
    with pytest.raises(BulkError, match=r"a restore of batch .* is running"):
        apply_chunk(session, job, [_in_trash(session, Post)[0]])
    session.rollback()
    assert len(_in_trash(session, Post)) == len(left)
    _steps(client, progress)
    assert _in_trash(session, Post) == []


def _ask_purge(client: Any, batch_id: Any) -> Any:
    url = f"/admin/trash/preview/?batch={batch_id}"
    data = {"batch": str(batch_id), "confirm": "yes", "csrf_token": csrf_token(client, url)}
    return client.post("/admin/trash/purge/", data=data)


def test_a_big_batch_purges_as_a_job_in_chunks_each_row_audited(
    client, session, as_role, audit_log, big
):
    ids = {str(r.id) for r in big.records}
    as_role(Role.ADMIN)
    progress = _ask_purge(client, big.id).headers["Location"]
    assert "/admin/trash/job/" in progress
    page = client.get(progress).get_data(as_text=True)
    assert "Purge a batch for good" in page
    assert "purged as a job, in chunks" in page
    assert len(_in_trash(session, Post)) == POSTS  # nothing gone before the first step

    url = f"/admin/trash/preview/?batch={big.id}"
    data = {"batch": str(big.id), "csrf_token": csrf_token(client, url)}
    refused = client.post("/admin/trash/restore/", data=data, follow_redirects=True)
    assert "Nothing was restored: a purge of that batch is running" in refused.get_data(
        as_text=True
    )

    steps = _steps(client, progress)
    assert [s["done"] for s in steps] == [5, 10, 12]  # five rows a request, never the batch
    assert steps[-1]["status"] == "done"
    session.rollback()
    assert session.scalars(with_deleted(select(Post.id))).all() == []
    assert session.scalars(with_deleted(select(Comment.id))).all() == []
    purged = {e.entity_id for e in audit_log.entries(action="purge")}
    assert purged == ids  # one purge entry per row, as a one-request purge writes them


def test_editors_may_not_run_a_purge_job(client, session, as_role, big):
    job, _ = start_purge(session, [big.id], operator_id=None)
    session.commit()
    progress = f"/admin/trash/job/{job.id}/"
    as_role(Role.EDITOR)
    assert client.get(progress).status_code == 403
    token = csrf_token(client, "/admin/trash/")
    assert client.post(progress + "step/", headers={"X-CSRFToken": token}).status_code == 403
    assert len(_in_trash(session, Post)) == POSTS
