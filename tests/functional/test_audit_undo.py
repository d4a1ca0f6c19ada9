"""Undo a whole transaction from its page; see a record as it was after any entry."""

from __future__ import annotations

import re
from typing import Any

import pytest

from admin_app.models import Comment, Post, Role, Task
from admin_app.soft_delete import get_with_deleted
from admin_app.trash import soft_delete
from tests.conftest import csrf_token
from tests.factories import PostFactory, TaskFactory, UserFactory


@pytest.fixture
def busy_transaction(session: Any) -> dict[str, Any]:
    """One commit that edits a post, writes a comment on it and trashes a task."""
    ada = UserFactory(username="ada")
    post = PostFactory(title="Old title", author=ada)
    task = TaskFactory(title="Chore", assignee=ada)
    session.commit()
    post.title = "New title"
    comment = Comment(body="First!", post=post, author=ada)
    session.add(comment)
    soft_delete(session, [task])
    session.commit()
    return {"post": post, "comment": comment, "task": task}


def _transaction_of(audit_log: Any, entity_type: str, action: str) -> str:
    (entry,) = audit_log.entries(entity_type=entity_type, action=action)
    return str(entry.transaction_id)


def _state(session: Any, model: Any, key: Any) -> str:
    session.rollback()
    record = get_with_deleted(session, model, key)
    return "trashed" if record.deleted_at else "live"


def test_undo_with_a_later_edit_shows_the_conflict_then_applies(
    client, session, as_role, audit_log, busy_transaction
):
    post, comment, task = (busy_transaction[k] for k in ("post", "comment", "task"))
    tx = _transaction_of(audit_log, "comment", "create")
    post.title = "Later title"  # a later edit of a field the transaction changed
    session.commit()
    before = audit_log.seen()
    as_role(Role.EDITOR)

    page = client.get(f"/admin/audit/transaction/{tx}/undo/").get_data(as_text=True)
    assert 'id="undo-conflicts"' in page
    assert re.search(r"New title\s*·\s*title|Later title\s*·\s*title", page)
    url = f"/admin/audit/transaction/{tx}/undo/"
    refused = client.post(url, data={"csrf_token": csrf_token(client, url)}, follow_redirects=True)
    assert "Nothing was undone: changed since" in refused.get_data(as_text=True)
    session.rollback()
    assert session.get(Post, post.id).title == "Later title"
    assert _state(session, Comment, comment.id) == "live"

    data = {"csrf_token": csrf_token(client, url), "overwrite": "yes"}
    done = client.post(url, data=data, follow_redirects=True)
    assert "undone in one new transaction" in done.get_data(as_text=True)
    session.rollback()
    assert session.get(Post, post.id).title == "Old title"
    assert _state(session, Comment, comment.id) == "trashed"
    assert _state(session, Task, task.id) == "live"

    _assert_reads_as_one_revert(client, audit_log.entries(after=before), tx, comment)


def _assert_reads_as_one_revert(client: Any, since: list[Any], tx: str, comment: Any) -> None:
    content = {"post", "comment", "task"}
    (undo_tx,) = {e.transaction_id for e in since if e.entity_type in content}  # one transaction
    entries = [e for e in since if e.transaction_id == undo_tx]
    assert {e.action for e in entries} == {"revert"}  # the trash moves too
    assert sorted(e.entity_type for e in entries) == ["comment", "post", "task", "transaction"]
    (about,) = [e for e in entries if e.entity_type == "transaction"]
    assert about.changes == {"reverts_transaction": [None, tx]}
    (trashed,) = [e for e in entries if e.entity_type == "comment"]
    assert trashed.changes["deleted_at"][0] is None
    assert trashed.changes["delete_batch"][1] == str(comment.delete_batch)
    (restored,) = [e for e in entries if e.entity_type == "task"]
    assert restored.changes["deleted_at"][1] is None
    # The page of the undo's transaction: every row a revert, one naming the undone transaction.
    page = client.get(f"/admin/audit/transaction/{undo_tx}/").get_data(as_text=True)
    assert page.count('<span class="badge badge-secondary">revert</span>') == len(entries)
    assert f"undo of transaction …{tx[-8:]}" in page


def test_what_an_undo_trashed_is_in_the_recycle_bin_and_restores(
    client, session, as_role, audit_log, busy_transaction
):
    comment = busy_transaction["comment"]
    tx = _transaction_of(audit_log, "comment", "create")
    as_role(Role.EDITOR)
    url = f"/admin/audit/transaction/{tx}/undo/"
    client.post(url, data={"csrf_token": csrf_token(client, url), "overwrite": "yes"})
    session.rollback()
    batch = get_with_deleted(session, Comment, comment.id).delete_batch
    assert batch is not None
    assert str(batch) in client.get("/admin/trash/").get_data(as_text=True)
    data = {"batch": str(batch), "csrf_token": csrf_token(client, "/admin/trash/")}
    restored = client.post("/admin/trash/restore/", data=data, follow_redirects=True)
    assert "Restored 1 record(s)." in restored.get_data(as_text=True)
    assert _state(session, Comment, comment.id) == "live"


def test_an_undo_can_itself_be_undone(client, session, as_role, audit_log, busy_transaction):
    post, comment, task = (busy_transaction[k] for k in ("post", "comment", "task"))
    tx = _transaction_of(audit_log, "comment", "create")
    as_role(Role.EDITOR)
    url = f"/admin/audit/transaction/{tx}/undo/"
    client.post(url, data={"csrf_token": csrf_token(client, url)})
    (about,) = audit_log.entries(entity_type="transaction")
    again = f"/admin/audit/transaction/{about.transaction_id}/undo/"
    page = client.get(again).get_data(as_text=True)
    assert 'id="undo-problems"' not in page
    assert "restore from the trash" in page
    assert "move to the trash" in page
    client.post(again, data={"csrf_token": csrf_token(client, again)})
    session.rollback()
    assert session.get(Post, post.id).title == "New title"
    assert _state(session, Comment, comment.id) == "live"
    assert _state(session, Task, task.id) == "trashed"


def test_a_transaction_with_a_purge_cannot_be_undone(client, session, as_role, audit_log):
    from admin_app.trash import purge

    post = PostFactory(title="Doomed")
    session.commit()
    batch = soft_delete(session, [post])
    session.commit()
    purge(session, batch.records)
    session.commit()
    tx = _transaction_of(audit_log, "post", "purge")
    as_role(Role.EDITOR)
    page = client.get(f"/admin/audit/transaction/{tx}/undo/").get_data(as_text=True)
    assert "cannot be undone" in page
    assert "was purged for good" in page


def test_viewers_may_not_undo(client, session, as_role, audit_log):
    PostFactory()
    session.commit()
    tx = audit_log.entries()[0].transaction_id
    as_role(Role.VIEWER)
    assert client.get(f"/admin/audit/transaction/{tx}/undo/").status_code == 403


def test_malformed_ids_are_404(client, as_role):
    as_role(Role.EDITOR)
    assert client.get("/admin/audit/transaction/not-a-uuid/undo/").status_code == 404
    assert client.get("/admin/audit/as-of/not-a-uuid/").status_code == 404


def test_the_record_as_it_was_after_any_entry(client, session, as_role, audit_log):
    post = PostFactory(title="First title", body="Body one")
    session.commit()
    post.title = "Second title"
    session.commit()
    post.body = "Body two"
    session.commit()
    created, retitled, _ = audit_log.entries(entity_type="post")
    as_role(Role.VIEWER)
    then = client.get(f"/admin/audit/as-of/{retitled.id}/").get_data(as_text=True)
    assert "<td>Second title</td>" in then
    assert "<td>Body one</td>" in then
    first = client.get(f"/admin/audit/as-of/{created.id}/").get_data(as_text=True)
    assert "<td>First title</td>" in first
    history = client.get(f"/admin/audit/history/post/{post.id}/").get_data(as_text=True)
    assert f"/admin/audit/as-of/{created.id}/" in history
