"""Two editors, one record: the save made from the older form changes nothing and says who
changed what since it was opened."""

from __future__ import annotations

import re

from sqlalchemy import select

from admin_app.models import AuditEntry, Comment, Role, Tag
from tests.conftest import csrf_token, make_operator, sign_in
from tests.factories import CommentFactory, TagFactory
from tests.functional.admin.pages import alerts, opened_form


def test_a_stale_console_save_changes_nothing_and_says_who_changed_what(
    app, client, session, as_role, audit_log
):
    tag = TagFactory(name="Pools")
    session.commit()
    as_role(Role.EDITOR)
    other = app.test_client()
    make_operator("bea", Role.EDITOR)
    assert sign_in(other, "bea").status_code == 302
    edit = f"/admin/tag/edit/?id={tag.id}"
    mine, theirs = opened_form(client, edit), opened_form(other, edit)
    assert mine["seen_version"] == theirs["seen_version"] == "1"

    assert other.post(edit, data={**theirs, "name": "Connection pools"}).status_code == 302
    before = audit_log.seen()
    response = client.post(edit, data={**mine, "name": "Locks"})

    assert response.status_code == 200  # the form again, with what was typed
    message = " ".join(alerts(response.get_data(as_text=True)))
    assert "Not saved" in message
    assert "bea" in message
    assert "name" in message
    session.expire_all()
    saved = session.scalars(select(Tag).where(Tag.id == tag.id)).one()
    assert (saved.name, saved.version) == ("Connection pools", 2)
    assert audit_log.entries(after=before, entity_id=str(tag.id)) == []


def test_a_save_from_the_current_version_goes_through_and_moves_it_on(client, session, as_role):
    tag = TagFactory(name="Pools")
    session.commit()
    as_role(Role.EDITOR)
    edit = f"/admin/tag/edit/?id={tag.id}"
    assert (
        client.post(edit, data={**opened_form(client, edit), "name": "Queues"}).status_code == 302
    )
    assert (
        client.post(edit, data={**opened_form(client, edit), "name": "Stacks"}).status_code == 302
    )
    session.expire_all()
    saved = session.get(Tag, tag.id)
    assert (saved.name, saved.version) == ("Stacks", 3)
    updates = session.scalars(
        select(AuditEntry).where(AuditEntry.entity_id == str(tag.id), AuditEntry.action == "update")
    ).all()
    assert all("version" not in entry.changes for entry in updates)


def test_a_stale_trash_confirmation_moves_nothing_and_says_who_changed_it(
    app, client, session, as_role
):
    tag = TagFactory(name="Pools")
    session.commit()
    as_role(Role.EDITOR)
    other = app.test_client()
    make_operator("bea", Role.EDITOR)
    assert sign_in(other, "bea").status_code == 302
    confirm = client.get(f"/admin/tag/delete-confirm/?id={tag.id}").get_data(as_text=True)
    version = re.search(rf'name="version-{tag.id}" value="(\d+)"', confirm).group(1)
    edit = f"/admin/tag/edit/?id={tag.id}"
    assert other.post(edit, data={**opened_form(other, edit), "name": "Queues"}).status_code == 302

    form = {"rowid": str(tag.id), f"version-{tag.id}": version}
    form["csrf_token"] = csrf_token(client, f"/admin/tag/delete-confirm/?id={tag.id}")
    response = client.post("/admin/tag/trash-selected/", data=form, follow_redirects=True)
    message = " ".join(alerts(response.get_data(as_text=True)))
    assert "Nothing was changed" in message
    assert "bea" in message
    session.expire_all()
    assert session.get(Tag, tag.id).deleted_at is None


def test_a_comment_cannot_be_put_under_itself_or_its_own_reply(client, session, as_role):
    top = CommentFactory(body="First")
    reply = CommentFactory(post=top.post, parent=top, body="Answer")
    session.commit()
    as_role(Role.EDITOR)
    edit = f"/admin/comment/edit/?id={top.id}"
    for parent in (top, reply):
        form = {
            **opened_form(client, edit),
            "body": "First, edited",
            "author": str(top.author_id),
            "post": str(top.post_id),
            "parent": str(parent.id),
        }
        response = client.post(edit, data=form)
        assert response.status_code == 200  # the form again, saying why
        assert "cannot be under itself or under one of its own replies" in response.get_data(
            as_text=True
        )
    session.expire_all()
    saved = session.get(Comment, top.id)
    assert (saved.body, saved.parent_id, saved.version) == ("First", None, 1)
