"""The audit trail in the console: list, history, record links, revert with conflicts."""

from __future__ import annotations

from sqlalchemy import select

from admin_app.models import Post, Role
from admin_app.soft_delete import with_deleted
from admin_app.trash import purge, soft_delete
from tests.conftest import csrf_token
from tests.factories import PostFactory


def _retitle(audit_log, post, title):
    post.title = title
    audit_log.session.commit()
    return audit_log.entries(entity_id=str(post.id), action="update")[-1]


def test_list_shows_the_diff_escaped(client, session, as_role, audit_log):
    post = PostFactory(title="Before")
    session.commit()
    _retitle(audit_log, post, "<b>After</b>")
    as_role(Role.VIEWER)
    page = client.get("/admin/audit/").get_data(as_text=True)
    assert "<del>Before</del> → <ins>&lt;b&gt;After&lt;/b&gt;</ins>" in page


def test_history_lists_a_record_s_entries_newest_first(client, session, as_role, audit_log):
    post = PostFactory(title="One")
    session.commit()
    _retitle(audit_log, post, "Two")
    as_role(Role.VIEWER)
    page = client.get(f"/admin/audit/history/post/{post.id}/").get_data(as_text=True)
    assert page.index("audit-update") < page.index("audit-create")
    assert "Revert…" not in page  # viewers do not revert


def test_revert_sets_fields_back_and_is_recorded(client, session, as_role, audit_log):
    post = PostFactory(title="Original")
    session.commit()
    entry = _retitle(audit_log, post, "Changed")
    as_role(Role.EDITOR)
    url = f"/admin/audit/revert/{entry.id}/"
    assert "Original" in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf_token(client, url)})
    assert response.status_code == 302
    session.rollback()
    assert session.get(Post, post.id).title == "Original"
    (reverted,) = audit_log.entries(entity_id=str(post.id), action="revert")
    assert reverted.changes == {"title": ["Changed", "Original"]}
    assert reverted.actor_name == "editor-op"


def test_revert_with_later_changes_needs_confirmation(client, session, as_role, audit_log):
    post = PostFactory(title="A")
    session.commit()
    first = _retitle(audit_log, post, "B")
    _retitle(audit_log, post, "C")
    as_role(Role.EDITOR)
    url = f"/admin/audit/revert/{first.id}/"
    assert "Changed again since" in client.get(url).get_data(as_text=True)
    client.post(url, data={"csrf_token": csrf_token(client, url)})
    session.rollback()
    assert session.get(Post, post.id).title == "C"
    client.post(url, data={"csrf_token": csrf_token(client, url), "overwrite": "yes"})
    session.rollback()
    assert session.get(Post, post.id).title == "A"


def test_viewer_cannot_revert(client, session, as_role, audit_log):
    post = PostFactory(title="X")
    session.commit()
    entry = _retitle(audit_log, post, "Y")
    as_role(Role.VIEWER)
    assert client.get(f"/admin/audit/revert/{entry.id}/").status_code == 403


def test_record_link_follows_the_record_to_the_trash_and_past_purge(
    client, session, as_role, audit_log
):
    post = PostFactory(title="Wanderer")
    session.commit()
    (created,) = audit_log.entries(entity_id=str(post.id), action="create")
    as_role(Role.VIEWER)
    link = f"/admin/audit/record/{created.id}/"
    assert "/admin/post/details/" in client.get(link).headers["Location"]
    soft_delete(session, [post])
    session.commit()
    assert "/admin/post-trash/details/" in client.get(link).headers["Location"]
    purge(session, list(session.scalars(with_deleted(select(Post)))))
    session.commit()
    assert "/admin/audit/details/" in client.get(link).headers["Location"]


def test_the_trail_cannot_be_edited_from_the_console(client, session, as_role, audit_log):
    PostFactory()
    session.commit()
    (entry,) = audit_log.entries(action="create", entity_type="post")
    as_role(Role.ADMIN)
    assert client.get(f"/admin/audit/edit/?id={entry.id}").status_code in (302, 403)
    token = csrf_token(client, "/admin/audit/")
    client.post("/admin/audit/delete/", data={"id": str(entry.id), "csrf_token": token})
    assert len(audit_log.entries(action="create", entity_type="post")) == 1


def test_export_is_recorded_with_its_query_and_row_count(client, session, as_role, audit_log):
    PostFactory(title="Exported one")
    PostFactory(title="Exported two")
    session.commit()
    as_role(Role.EDITOR)
    response = client.get("/admin/post/export/csv/?search=Exported")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("Exported") == 2
    (entry,) = audit_log.entries(action="export")
    assert entry.entity_type == "post"
    assert entry.actor_name == "editor-op"
    assert entry.changes["rows"] == [None, 2]
    assert entry.changes["query"][1]["search"] == "Exported"


def test_every_record_links_to_its_history(client, session, as_role):
    post = PostFactory(title="Linked")
    session.commit()
    as_role(Role.VIEWER)
    history = f"/admin/audit/history/post/{post.id}/"
    assert history in client.get("/admin/post/").get_data(as_text=True)
    assert history in client.get(f"/admin/post/details/?id={post.id}").get_data(as_text=True)
