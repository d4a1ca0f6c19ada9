"""The trail through the web: sign-in, failed sign-in, sign-out, console edits and deletes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import pytest
from sqlalchemy import select

from admin_app.models import Operator, Role, User
from admin_app.soft_delete import with_deleted
from tests.conftest import PASSWORD, csrf_token, make_operator
from tests.factories import (
    CommentFactory,
    PostFactory,
    ProfileFactory,
    TagFactory,
    TaskFactory,
    UserFactory,
)

PUBLISHED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)  # whole seconds, as the form shows them


def _sign_in(client: Any, username: str, password: str, request_id: str) -> Any:
    token = csrf_token(client)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        headers={"X-Request-Id": request_id},
    )


class _AdminForm(HTMLParser):
    """The fields of Flask-Admin's edit form as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._in_form = False
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._in_form = "admin-form" in found.get("class", "")
        elif self._in_form and tag == "input" and found.get("type") != "submit":
            self.fields[found["name"]] = found.get("value", "")
        elif self._in_form and tag == "textarea":
            self._textarea = found["name"]
            self.fields[self._textarea] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea:
            # A browser drops the one line break right after <textarea>.
            value = self.fields[self._textarea].replace("\r\n", "\n")
            self.fields[self._textarea] = value.removeprefix("\n")
            self._textarea = None
        elif tag == "form":
            self._in_form = False


def _edit_form(client: Any, path: str) -> dict[str, str]:
    parser = _AdminForm()
    parser.feed(client.get(path).get_data(as_text=True))
    assert "csrf_token" in parser.fields, f"no edit form on {path}"
    return parser.fields


# --- sign-in and sign-out -----------------------------------------------------------------


def test_sign_in_writes_a_login_entry_for_that_operator(client, session, audit_log):
    operator = make_operator("iris", Role.VIEWER)
    before = audit_log.seen()

    response = _sign_in(client, "iris", PASSWORD, request_id="req-login-1")
    assert response.status_code == 302

    (entry,) = audit_log.entries(before)
    assert (entry.action, entry.entity_type, entry.entity_id, entry.entity_repr) == (
        "login",
        "operator",
        str(operator.id),
        "iris",
    )
    assert (entry.actor_id, entry.actor_name) == (operator.id, "iris")
    assert entry.request_id == "req-login-1"
    assert entry.remote_addr == "127.0.0.1"
    assert entry.changes == {}
    assert PASSWORD not in json.dumps(entry.changes)


def test_wrong_password_writes_login_failed_naming_what_was_typed(client, session, audit_log):
    operator = make_operator("jack", Role.VIEWER)
    before = audit_log.seen()

    response = _sign_in(client, "jack", "not the password at all", request_id="req-bad-1")
    assert response.status_code == 200
    assert "Wrong username or password." in response.get_data(as_text=True)

    (entry,) = audit_log.entries(before)
    assert (entry.action, entry.entity_type, entry.entity_id, entry.entity_repr) == (
        "login_failed",
        "operator",
        str(operator.id),
        "jack",
    )
    assert (entry.actor_id, entry.actor_name) == (None, "jack")
    assert (entry.request_id, entry.remote_addr) == ("req-bad-1", "127.0.0.1")
    stored = " ".join([entry.actor_name, entry.entity_repr, json.dumps(entry.changes)])
    assert "not the password" not in stored
    assert session.get(Operator, operator.id).last_login_at is None


def test_unknown_username_writes_login_failed_without_an_entity(client, session, audit_log):
    # What was typed as a user name may be a password: an unknown one is never recorded.
    response = _sign_in(client, "hunter2-typed-here", "whatever password", request_id="req-bad-2")
    assert response.status_code == 200

    (entry,) = audit_log.entries()
    assert (entry.action, entry.entity_id) == ("login_failed", None)
    assert (entry.actor_id, entry.actor_name, entry.entity_repr) == (None, *["unknown user"] * 2)
    stored = " ".join([entry.actor_name, entry.entity_repr, json.dumps(entry.changes)])
    assert "hunter2" not in stored
    assert "whatever password" not in stored


def test_sign_out_writes_a_logout_entry(client, session, audit_log):
    operator = make_operator("kate", Role.VIEWER)
    assert _sign_in(client, "kate", PASSWORD, request_id="req-in").status_code == 302
    before = audit_log.seen()

    token = csrf_token(client, "/admin/")
    response = client.post(
        "/logout", data={"csrf_token": token}, headers={"X-Request-Id": "req-out"}
    )
    assert response.status_code == 302

    (entry,) = audit_log.entries(before)
    assert (entry.action, entry.entity_type, entry.entity_id, entry.entity_repr) == (
        "logout",
        "operator",
        str(operator.id),
        "kate",
    )
    assert (entry.actor_id, entry.actor_name) == (operator.id, "kate")
    assert (entry.request_id, entry.remote_addr) == ("req-out", "127.0.0.1")


# --- the console --------------------------------------------------------------------------


def test_console_edit_of_a_title_writes_one_update_by_that_editor(
    client, session, as_role, audit_log
):
    post = PostFactory(title="Old title", published_at=PUBLISHED, tags=[TagFactory(name="t")])
    session.commit()
    post_id = post.id
    editor = as_role(Role.EDITOR)
    path = f"/admin/post/edit/?id={post_id}"
    form = _edit_form(client, path)
    assert form["title"] == "Old title"
    before = audit_log.seen()

    response = client.post(
        path, data={**form, "title": "New title"}, headers={"X-Request-Id": "req-edit"}
    )
    assert response.status_code == 302

    (entry,) = audit_log.entries(before)
    assert (entry.action, entry.entity_type, entry.entity_id, entry.entity_repr) == (
        "update",
        "post",
        str(post_id),
        "New title",
    )
    assert entry.changes == {"title": ["Old title", "New title"]}
    assert (entry.actor_id, entry.actor_name) == (editor.id, "editor-op")
    assert (entry.request_id, entry.remote_addr) == ("req-edit", "127.0.0.1")


def test_console_delete_of_a_user_writes_soft_delete_entries_in_one_transaction(
    client, session, as_role, audit_log
):
    user = UserFactory(username="ada")
    ProfileFactory(user=user)
    post = PostFactory(title="Ada's post", author=user)
    CommentFactory(post=post, author=user, body="Ada's comment.")
    TaskFactory(assignee=user, title="Ada's task")
    session.commit()
    user_id = user.id
    editor = as_role(Role.EDITOR)
    token = csrf_token(client, f"/admin/user/details/?id={user_id}")
    before = audit_log.seen()

    response = client.post("/admin/user/delete/", data={"id": str(user_id), "csrf_token": token})
    assert response.status_code == 302

    entries = audit_log.entries(before)
    assert sorted((e.action, e.entity_type) for e in entries) == [
        ("soft_delete", "comment"),
        ("soft_delete", "post"),
        ("soft_delete", "profile"),
        ("soft_delete", "task"),
        ("soft_delete", "user"),
    ]
    assert len({e.transaction_id for e in entries}) == 1
    assert {(e.actor_id, e.actor_name) for e in entries} == {(editor.id, "editor-op")}
    trashed = session.scalars(with_deleted(select(User).where(User.id == user_id))).one()
    for entry in entries:
        assert entry.changes == {
            "deleted_at": [None, trashed.deleted_at.isoformat()],
            "delete_batch": [None, str(trashed.delete_batch)],
            "deleted_by": [None, str(editor.id)],
        }
    by_type = {entry.entity_type: entry for entry in entries}
    assert by_type["user"].entity_id == str(user_id)
    assert by_type["user"].entity_repr == "ada"


@pytest.mark.parametrize("table", ["users", "posts", "tags", "comments", "tasks", "profiles"])
def test_api_reads_write_nothing(client, session, as_role, table, audit_log):
    post = PostFactory(tags=[TagFactory()])
    CommentFactory(post=post)
    TaskFactory(post=post)
    ProfileFactory(user=post.author)
    session.commit()
    as_role(Role.VIEWER)
    before = audit_log.seen()

    response = client.get(f"/api/v1/{table}")
    assert response.status_code == 200
    assert response.get_json()["total"] >= 1
    # One record per page (a page past the last is a 404 now, so stay on the first).
    paged = client.get(f"/api/v1/{table}", query_string={"page": 1, "per_page": 1})
    assert paged.status_code == 200

    assert audit_log.entries(before) == []
