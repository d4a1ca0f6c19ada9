"""'All N matching': a dry-run count, then the whole filter in chunks, one batch, audit complete."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from admin_app.admin import bulk
from admin_app.models import AuditEntry, Comment, Post, Role
from admin_app.soft_delete import with_deleted
from tests.conftest import csrf_token
from tests.factories import CommentFactory, PostFactory

MATCHING = 23


@pytest.fixture
def posts(session: Any, monkeypatch: pytest.MonkeyPatch) -> list[Post]:
    monkeypatch.setattr(bulk, "CHUNK", 10)  # three chunks for 23 rows
    found = [PostFactory(title=f"Quokka report {n}") for n in range(MATCHING)]
    CommentFactory(post=found[0])
    PostFactory.create_batch(3, title="Unrelated")
    session.commit()
    return found


def _start(client: Any, action: str, list_args: str, view: str = "post") -> str:
    url = f"/admin/{view}/bulk/?action={action}&{list_args}"
    response = client.post(url, data={"confirm": "yes", "csrf_token": csrf_token(client, url)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.headers["Location"]


def _run(client: Any, progress_url: str) -> list[dict[str, Any]]:
    page = client.get(progress_url).get_data(as_text=True)
    step = re.search(r'data-step-url="([^"]+)"', page).group(1).replace("&amp;", "&")
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    seen = []
    while not seen or seen[-1]["status"] == "running":
        answer = client.post(step, headers={"X-CSRFToken": token})
        assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
        seen.append(answer.json)
    return seen


def _trashed(session: Any, model: Any) -> list[Any]:
    session.rollback()
    return session.scalars(with_deleted(select(model)).where(model.deleted_at.is_not(None))).all()


def test_the_dry_run_counts_and_changes_nothing(client, session, posts, as_role):
    as_role(Role.EDITOR)
    page = client.get("/admin/post/bulk/?action=trash&search=quokka").get_data(as_text=True)
    assert f"<strong>{MATCHING} record(s)</strong> match the search and filters" in page
    assert _trashed(session, Post) == []
    listing = client.get("/admin/post/?search=quokka").get_data(as_text=True)
    assert f"All {MATCHING} matching" in listing


def test_a_filter_wide_trash_runs_in_chunks_into_one_batch_then_restores_as_one(
    client, session, posts, as_role, audit_log
):
    as_role(Role.EDITOR)
    before = audit_log.seen()
    steps = _run(client, _start(client, "trash", "search=quokka"))
    assert [s["done"] for s in steps] == [10, 20, 23]  # progress, chunk by chunk
    assert steps[-1] == {"status": "done", "done": 23, "total": 23, "percent": 100, "error": None}

    trashed = _trashed(session, Post)
    assert len(trashed) == MATCHING
    assert {p.title.split()[0] for p in trashed} == {"Quokka"}
    assert len(_trashed(session, Comment)) == 1  # what they own goes along
    (batch,) = {p.delete_batch for p in trashed} | {
        c.delete_batch for c in _trashed(session, Comment)
    }
    deletions = [e for e in audit_log.entries(after=before) if e.action == "soft_delete"]
    assert len(deletions) == MATCHING + 1

    url = f"/admin/trash/preview/?batch={batch}"
    data = {"batch": str(batch), "csrf_token": csrf_token(client, url)}
    assert client.post("/admin/trash/restore/", data=data).status_code == 302
    assert _trashed(session, Post) == []
    restores = [e for e in audit_log.entries(after=before) if e.action == "restore"]
    assert len(restores) == MATCHING + 1


def test_restore_and_purge_over_a_trash_filter(client, session, posts, as_role, trash):
    for post in posts[:12]:
        trash(post)  # twelve batches
    as_role(Role.ADMIN)
    steps = _run(client, _start(client, "restore", "search=quokka", view="post-trash"))
    assert steps[-1]["done"] == 12
    assert _trashed(session, Post) == []
    for post in posts[:5]:
        trash(post)
    _run(client, _start(client, "purge", "", view="post-trash"))
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Post)) == MATCHING - 5 + 3


def test_purge_over_a_filter_is_for_admins_only(client, session, posts, as_role, trash):
    trash(posts[0])
    as_role(Role.EDITOR)
    assert client.get("/admin/post-trash/bulk/?action=purge").status_code == 403
    assert client.get("/admin/post-trash/bulk/?action=restore").status_code == 200
    assert client.get("/admin/post/bulk/?action=purge").status_code == 400  # not offered there


def test_viewers_get_no_bulk_actions(client, session, posts, as_role):
    as_role(Role.VIEWER)
    assert "matching</a>" not in client.get("/admin/post/").get_data(as_text=True)
    assert client.get("/admin/post/bulk/?action=trash").status_code == 403


def test_a_step_must_carry_its_job_s_filter(client, session, posts, as_role):
    as_role(Role.EDITOR)
    progress = _start(client, "trash", "search=quokka")
    job_id = progress.split("/bulk/")[1].split("/")[0]
    token = csrf_token(client, "/admin/post/")
    widened = client.post(f"/admin/post/bulk/{job_id}/step/", headers={"X-CSRFToken": token})
    assert widened.status_code == 400  # no filter: it would trash every post
    assert _trashed(session, Post) == []
    assert (
        session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "soft_delete")
        )
        == 0
    )
