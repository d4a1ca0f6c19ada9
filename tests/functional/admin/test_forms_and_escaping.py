"""System fields are never editable, whatever is posted; values are escaped in lists and details."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from admin_app.columns import utc_now
from admin_app.models import Post, Role, Tag
from seeds.demo import seed_demo
from tests.conftest import csrf_token
from tests.factories import (
    CommentFactory,
    PostFactory,
    ProfileFactory,
    TagFactory,
    TaskFactory,
    UserFactory,
)
from tests.functional.admin.pages import get_page

PROTECTED = ("id", "created_at", "updated_at", "deleted_at", "deleted_by", "delete_batch", "slug")
ENDPOINTS = ("user", "profile", "post", "tag", "comment", "task")
MARKUP = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _field_names(page: str) -> set[str]:
    return set(re.findall(r'<(?:input|select|textarea)[^>]* name="([^"]+)"', page))


def _forged(record: Any) -> dict[str, str]:
    """System values an attacker might post alongside a real edit."""
    past = (utc_now() - timedelta(days=900)).strftime("%Y-%m-%d %H:%M:%S")
    return {
        "id": str(uuid.uuid4()),
        "created_at": past,
        "updated_at": past,
        "deleted_at": past,
        "deleted_by": str(uuid.uuid4()),
        "delete_batch": str(uuid.uuid4()),
        "slug": "forged-slug",
    }


def _system_values(record: Any) -> dict[str, Any]:
    return {name: getattr(record, name) for name in PROTECTED if name != "updated_at"}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_create_and_edit_forms_offer_no_system_fields(client, session, as_role, endpoint):
    seed_demo(session)
    session.commit()
    as_role(Role.EDITOR)
    listing = get_page(client, f"/admin/{endpoint}/")
    record_id = re.search(rf"/admin/{endpoint}/details/\?id=([0-9a-f-]+)", listing).group(1)
    for path, params in (
        (f"/admin/{endpoint}/new/", {}),
        (f"/admin/{endpoint}/edit/", {"id": record_id}),
    ):
        fields = _field_names(get_page(client, path, **params))
        assert fields, path
        assert not fields & set(PROTECTED), path


def test_posted_system_fields_on_edit_change_nothing(client, session, as_role):
    tag = TagFactory(name="Old name")
    session.commit()
    before = _system_values(tag)
    as_role(Role.EDITOR)
    edit = f"/admin/tag/edit/?id={tag.id}"
    data = {"name": "New name", "csrf_token": csrf_token(client, edit), **_forged(tag)}
    assert client.post(edit, data=data).status_code == 302
    session.expire_all()
    saved = session.scalars(select(Tag).where(Tag.name == "New name")).one()
    assert _system_values(saved) == before
    assert saved.deleted_at is None


def test_posted_system_fields_on_create_are_ignored(client, session, as_role):
    author = UserFactory()
    session.commit()
    as_role(Role.EDITOR)
    forged = _forged(None)
    data = {
        "title": "Fresh post",
        "author": str(author.id),
        "body": "text",
        "csrf_token": csrf_token(client, "/admin/post/new/"),
        **forged,
    }
    assert client.post("/admin/post/new/", data=data).status_code == 302
    post = session.scalars(select(Post).where(Post.title == "Fresh post")).one()
    assert str(post.id) != forged["id"]
    assert post.slug == "fresh-post"
    assert (post.deleted_at, post.delete_batch, post.deleted_by) == (None, None, None)
    assert post.created_at > utc_now() - timedelta(minutes=5)


def _hostile_rows(session: Any) -> dict[str, Any]:
    user = UserFactory(first_name=MARKUP, username="hostile")
    post = PostFactory(title=MARKUP, author=user, tags=[TagFactory(name=MARKUP)])
    rows = {
        "user": user,
        "profile": ProfileFactory(user=user, location=MARKUP),
        "post": post,
        "tag": post.tags[0],
        "comment": CommentFactory(body=MARKUP, post=post, author=user),
        "task": TaskFactory(title=MARKUP, assignee=user, post=post),
    }
    session.commit()
    return rows


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_markup_in_values_is_shown_as_text(client, session, as_role, endpoint):
    record = _hostile_rows(session)[endpoint]
    as_role(Role.VIEWER)
    for page in (
        get_page(client, f"/admin/{endpoint}/"),
        get_page(client, f"/admin/{endpoint}/details/", id=str(record.id)),
    ):
        assert MARKUP not in page
        assert ESCAPED in page


NO_SQL = ("IntegrityError", "INSERT", "UPDATE ", "UNIQUE", "uq_", "[SQL", "parameters")


def _post_form(client: Any, url: str, data: dict[str, str]) -> Any:
    return client.post(url, data={**data, "csrf_token": csrf_token(client, url)})


@pytest.mark.parametrize(
    ("endpoint", "field", "make"),
    [
        ("user", "username", lambda: UserFactory(username="grace")),
        ("tag", "name", lambda: TagFactory(name="grace")),
    ],
)
def test_a_taken_value_is_a_message_under_its_field_with_a_link(
    client, session, as_role, endpoint, field, make
):
    holder = make()
    session.commit()
    as_role(Role.EDITOR)
    data = {field: "grace", "email": "new@example.org", "first_name": "Typed", "last_name": "In"}
    response = _post_form(client, f"/admin/{endpoint}/new/", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200  # the form again, not a redirect
    assert (
        f'Already used by {endpoint} <a href="/admin/{endpoint}/details/?id={holder.id}">' in page
    )
    assert not [word for word in NO_SQL if word in page]
    assert 'value="grace"' in page  # the form keeps what was typed


def test_a_value_held_only_in_the_trash_can_be_taken(client, session, as_role, trash):
    trash(UserFactory(username="grace"))
    as_role(Role.EDITOR)
    data = {"username": "grace", "email": "grace2@example.org", "first_name": "G", "last_name": "H"}
    assert _post_form(client, "/admin/user/new/", data).status_code == 302


def test_editing_a_record_keeps_its_own_unique_values(client, session, as_role):
    user = UserFactory(username="grace", email="grace@example.org")
    session.commit()
    as_role(Role.EDITOR)
    data = {
        "username": "grace",
        "email": "grace@example.org",
        "first_name": "New",
        "last_name": "N",
    }
    response = _post_form(client, f"/admin/user/edit/?id={user.id}", data)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    session.rollback()
    assert session.get(type(user), user.id).first_name == "New"


def test_a_taken_email_on_edit_names_the_field(client, session, as_role):
    UserFactory(username="ada", email="ada@example.org")
    grace = UserFactory(username="grace", email="grace@example.org")
    session.commit()
    as_role(Role.EDITOR)
    data = {"username": "grace", "email": "ada@example.org", "first_name": "G", "last_name": "H"}
    page = _post_form(client, f"/admin/user/edit/?id={grace.id}", data).get_data(as_text=True)
    assert "Already used by user" in page
    assert "ada@example.org" in page
    assert not [word for word in NO_SQL if word in page]
