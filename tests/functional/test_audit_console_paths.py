"""Console write paths each leave exactly their entries; no secret reaches an export or log."""

from __future__ import annotations

import logging

from sqlalchemy import select

from admin_app.models import Post, Role
from admin_app.soft_delete import with_deleted
from tests.conftest import PASSWORD, csrf_token, sign_in
from tests.factories import PostFactory, UserFactory


def test_console_create_is_recorded_with_the_editor(client, session, as_role, audit_log):
    author = UserFactory(username="writer")
    session.commit()
    as_role(Role.EDITOR)
    token = csrf_token(client, "/admin/post/new/")
    data = {
        "title": "Made in the console",
        "author": str(author.id),
        "body": "b",
        "csrf_token": token,
    }
    assert client.post("/admin/post/new/", data=data).status_code == 302
    (entry,) = audit_log.entries(action="create", entity_type="post")
    assert entry.actor_name == "editor-op"
    assert entry.changes["title"] == [None, "Made in the console"]
    assert entry.request_id
    assert entry.remote_addr


def test_bulk_trash_restore_and_purge_each_leave_their_entries(client, session, as_role, audit_log):
    posts = [PostFactory(title="First"), PostFactory(title="Second")]
    session.commit()
    ids = [str(p.id) for p in posts]
    as_role(Role.ADMIN)
    token = csrf_token(client, "/admin/post/")
    client.post("/admin/post/trash-selected/", data={"rowid": ids, "csrf_token": token})
    trashed = audit_log.entries(action="soft_delete", entity_type="post")
    assert sorted(e.entity_repr for e in trashed) == ["First", "Second"]
    assert len({e.transaction_id for e in trashed}) == 1

    batch = session.scalars(with_deleted(select(Post.delete_batch))).first()
    client.post("/admin/trash/restore/", data={"batch": str(batch), "csrf_token": token})
    restored = audit_log.entries(action="restore", entity_type="post")
    assert sorted(e.entity_repr for e in restored) == ["First", "Second"]
    assert {e.actor_name for e in restored} == {"admin-op"}

    client.post("/admin/post/trash-selected/", data={"rowid": ids[:1], "csrf_token": token})
    batch = session.scalars(
        with_deleted(select(Post.delete_batch).where(Post.delete_batch.is_not(None)))
    ).one()
    data = {"batch": str(batch), "confirm": "yes", "csrf_token": token}
    client.post("/admin/trash/purge/", data=data)
    (purged,) = audit_log.entries(action="purge", entity_type="post")
    assert purged.entity_repr == "First"
    assert purged.changes["title"] == ["First", None]  # the snapshot outlives the row


def test_no_password_hash_in_entries_exports_or_logs(client, session, as_role, caplog, audit_log):
    caplog.set_level(logging.DEBUG)
    admin = as_role(Role.ADMIN)
    password_hash = admin.password_hash
    export = client.get("/admin/operator/export/csv/").get_data(as_text=True)
    assert "admin-op" in export
    other = client.application.test_client()
    sign_in(other, "admin-op", PASSWORD + "wrong")
    everything = " ".join(str(e.changes) for e in audit_log.entries())
    for text in (export, everything, caplog.text):
        assert password_hash not in text
        assert password_hash.split("$")[-1][:16] not in text
        assert PASSWORD not in text
