"""Sign-in, sign-out, safe redirects, and role checks on every console page."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from admin_app.models import Operator, Post, Role
from admin_app.soft_delete import with_deleted
from tests.conftest import PASSWORD, csrf_token, make_operator, sign_in
from tests.factories import PostFactory, UserFactory


def _login_redirect_target(response: Any) -> str | None:
    """The ``next`` a redirect to /login carries, or None when it is not such a redirect."""
    if response.status_code != 302:
        return None
    location = urlsplit(response.headers["Location"])
    if location.path != "/login":
        return None
    return parse_qs(location.query).get("next", [""])[0]


def _signed_in(client: FlaskClient) -> bool:
    response = client.get("/admin/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def _fresh(session: Any, statement: Any) -> Any:
    """Read committed state, not what this test's session remembers."""
    session.rollback()
    return session.execute(with_deleted(statement))


# --- sign-in ------------------------------------------------------------------------------


def test_wrong_password_is_refused_with_a_message(client):
    make_operator("alice", Role.VIEWER)
    response = sign_in(client, "alice", "not the password")
    assert response.status_code == 200
    assert "Wrong username or password." in response.get_data(as_text=True)
    with client.session_transaction() as browser_session:
        assert "_user_id" not in browser_session
    assert not _signed_in(client)


def test_unknown_username_gets_the_same_message(client):
    response = sign_in(client, "nobody")
    assert response.status_code == 200
    assert "Wrong username or password." in response.get_data(as_text=True)
    assert not _signed_in(client)


def test_inactive_operator_is_refused_even_with_the_right_password(client, session):
    operator = make_operator("bob", Role.EDITOR)
    operator.is_active = False
    session.commit()
    response = sign_in(client, "bob")
    assert response.status_code == 200
    assert "Wrong username or password." in response.get_data(as_text=True)
    assert not _signed_in(client)


def test_deactivated_operator_loses_an_open_session(client, session):
    operator = make_operator("carol", Role.EDITOR)
    assert sign_in(client, "carol").status_code == 302
    assert _signed_in(client)
    operator.is_active = False
    session.commit()
    assert not _signed_in(client)


def test_correct_sign_in_redirects_home_and_records_last_login(client, session):
    operator = make_operator("dave", Role.VIEWER)
    operator_id = operator.id
    assert operator.last_login_at is None
    response = sign_in(client, "dave")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    assert _signed_in(client)
    last_login = _fresh(
        session, select(Operator.last_login_at).where(Operator.id == operator_id)
    ).scalar_one()
    assert last_login is not None
    assert last_login.tzinfo is not None


def _sign_in_with_next(client: FlaskClient, username: str, next_url: str) -> Any:
    token = csrf_token(client, "/login")
    return client.post(
        "/login",
        query_string={"next": next_url},
        data={"username": username, "password": PASSWORD, "csrf_token": token},
    )


def test_next_to_a_local_path_is_honoured(client):
    make_operator("erin", Role.VIEWER)
    response = _sign_in_with_next(client, "erin", "/admin/post/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/post/"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "///evil.example",
        "/\t/evil.example",
    ],
)
def test_next_off_site_is_ignored(client, target):
    make_operator("frank", Role.VIEWER)
    response = _sign_in_with_next(client, "frank", target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"


def test_next_off_site_is_ignored_when_already_signed_in(client):
    make_operator("gina", Role.VIEWER)
    assert sign_in(client, "gina").status_code == 302
    response = client.get("/login", query_string={"next": "//evil.example"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"


# --- anonymous access ---------------------------------------------------------------------


def _console_rules(app: Flask) -> list[Any]:
    console = app.extensions["admin_app.console"]
    endpoints = {view.endpoint for view in console._views}
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".", 1)[0] in endpoints and not rule.endpoint.endswith(".static")
    ]
    # The walk must really cover the console, or the tests below would pass on nothing.
    covered = {rule.endpoint for rule in rules}
    assert {"admin.index", "post.index_view", "post.edit_view", "operator.index_view"} <= covered
    return rules


def _path(rule: Any) -> str:
    values = {name: "csv" if name == "export_type" else "x" for name in rule.arguments}
    return rule.build(values)[1]


def test_every_console_page_sends_anonymous_visitors_to_sign_in(app, client):
    checked = 0
    for rule in _console_rules(app):
        if "GET" not in rule.methods:
            continue
        path = _path(rule)
        response = client.get(path)
        if path.endswith(".json"):  # data endpoints answer a status a script can act on
            assert response.status_code == 401, path
            assert response.get_json() == {"error": "sign in required"}
        else:
            assert _login_redirect_target(response) == path, (path, response.status_code)
        checked += 1
    assert checked >= 40


def test_every_console_action_refuses_anonymous_posts(app, client, session):
    post = PostFactory()
    session.commit()
    post_id = str(post.id)
    token = csrf_token(client, "/login")
    for rule in _console_rules(app):
        if "POST" not in rule.methods or "GET" in rule.methods:
            continue
        path = _path(rule)
        data = {"csrf_token": token, "id": post_id, "action": "delete", "rowid": post_id}
        response = client.post(path, data=data)
        assert _login_redirect_target(response) is not None, (path, response.status_code)
    deleted_at = _fresh(session, select(Post.deleted_at).where(Post.id == post.id)).scalar_one()
    assert deleted_at is None


def test_sign_in_redirect_keeps_the_query_string(client):
    response = client.get("/admin/post/details/?id=abc")
    assert _login_redirect_target(response) == "/admin/post/details/?id=abc"


# --- sign-out -----------------------------------------------------------------------------


def test_logout_without_csrf_token_is_refused_and_keeps_the_session(client):
    make_operator("hank", Role.VIEWER)
    assert sign_in(client, "hank").status_code == 302
    response = client.post("/logout")
    assert response.status_code == 400
    assert _signed_in(client)


def test_logout_with_csrf_token_signs_out(client):
    make_operator("iris", Role.VIEWER)
    assert sign_in(client, "iris").status_code == 302
    token = csrf_token(client, "/admin/")
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert not _signed_in(client)


def test_logout_by_get_is_not_allowed(client):
    make_operator("jack", Role.VIEWER)
    assert sign_in(client, "jack").status_code == 302
    assert client.get("/logout").status_code == 405
    assert _signed_in(client)


# --- roles --------------------------------------------------------------------------------


def _post_form(post_id: Any, author_id: Any, token: str, title: str) -> dict[str, str]:
    return {
        "title": title,
        "author": str(author_id),
        "tags": "",
        "body": "Edited body.",
        "published_at": "",
        "csrf_token": token,
    }


def test_viewer_cannot_save_an_edit(client, session, as_role):
    post = PostFactory(title="Original title")
    session.commit()
    post_id, author_id = post.id, post.author_id
    as_role(Role.VIEWER)
    token = csrf_token(client, "/admin/")
    response = client.post(
        f"/admin/post/edit/?id={post_id}", data=_post_form(post_id, author_id, token, "Hacked")
    )
    assert response.status_code == 403
    title = _fresh(session, select(Post.title).where(Post.id == post_id)).scalar_one()
    assert title == "Original title"


def test_viewer_cannot_create(client, session, as_role):
    author = UserFactory()
    session.commit()
    as_role(Role.VIEWER)
    token = csrf_token(client, "/admin/")
    assert client.get("/admin/post/new/").status_code == 403
    response = client.post("/admin/post/new/", data=_post_form(None, author.id, token, "Sneaky"))
    assert response.status_code == 403
    assert _fresh(session, select(func.count()).select_from(Post)).scalar_one() == 0


def test_viewer_cannot_delete_one_or_many(client, session, as_role):
    post = PostFactory()
    session.commit()
    post_id = str(post.id)
    as_role(Role.VIEWER)
    token = csrf_token(client, "/admin/")
    response = client.post("/admin/post/delete/", data={"id": post_id, "csrf_token": token})
    assert response.status_code == 403
    response = client.post(
        "/admin/post/action/",
        data={"action": "delete", "rowid": post_id, "csrf_token": token},
    )
    assert response.status_code == 403
    deleted_at = _fresh(session, select(Post.deleted_at).where(Post.id == post.id)).scalar_one()
    assert deleted_at is None


def test_editor_creates_a_post_through_the_form(client, session, as_role):
    author = UserFactory(username="writer")
    session.commit()
    author_id = author.id
    as_role(Role.EDITOR)
    page = client.get("/admin/post/new/").get_data(as_text=True)
    for field in ("title", "author", "tags", "body", "published_at"):
        assert f'name="{field}"' in page
    token = csrf_token(client, "/admin/post/new/")
    response = client.post(
        "/admin/post/new/", data=_post_form(None, author_id, token, "Pools, explained")
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    created = _fresh(session, select(Post).where(Post.title == "Pools, explained")).scalar_one()
    assert created.author_id == author_id
    assert created.slug == "pools-explained"
    assert created.deleted_at is None


def test_editor_delete_moves_the_post_to_the_trash(client, session, as_role):
    post = PostFactory(title="Soon in the bin")
    session.commit()
    post_id = post.id
    editor = as_role(Role.EDITOR)
    token = csrf_token(client, "/admin/post/")
    response = client.post(
        "/admin/post/delete/", data={"id": str(post_id), "url": "/admin/post/", "csrf_token": token}
    )
    assert response.status_code == 302
    trashed = _fresh(session, select(Post).where(Post.id == post_id)).scalar_one()
    assert trashed.deleted_at is not None
    assert trashed.delete_batch is not None
    assert trashed.deleted_by == editor.id
    live = session.scalar(select(func.count()).select_from(Post).where(Post.id == post_id))
    assert live == 0
    listing = client.get("/admin/post/").get_data(as_text=True)
    assert "Soon in the bin" not in listing


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EDITOR])
def test_operator_management_is_admin_only(client, as_role, role):
    as_role(role)
    assert client.get("/admin/operator/").status_code == 403
    assert client.get("/admin/operator/new/").status_code == 403


def test_admin_reaches_operator_management(client, as_role):
    admin = as_role(Role.ADMIN)
    response = client.get("/admin/operator/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert admin.username in page
    assert "scrypt" not in page  # password hashes are never shown
