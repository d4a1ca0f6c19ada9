"""Delete then restore through the API moves the same rows and writes the same audit entries
as through the console; only the token's label tells them apart."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from admin_app.models import Role, User
from admin_app.soft_delete import INCLUDE_DELETED
from tests.conftest import csrf_token
from tests.factories import CommentFactory, PostFactory, TagFactory, UserFactory
from tests.functional.api_client import token_for


def _family(session: Any, name: str) -> User:
    """A user owning a post with two comments."""
    user = UserFactory(username=name)
    post = PostFactory(author=user, tags=[TagFactory()])
    CommentFactory(post=post)
    CommentFactory(post=post, author=user)
    session.commit()
    return user


def _shape(audit_log: Any, seen: set[Any]) -> list[tuple[str, str, tuple[str, ...]]]:
    """What the entries since ``seen`` did, without ids and times: action, kind, fields."""
    entries = audit_log.entries(after=seen)
    return sorted((e.action, e.entity_type, tuple(sorted(e.changes))) for e in entries)


def _console(client: Any, session: Any, user: User) -> None:
    page = f"/admin/user/details/?id={user.id}"
    data = {"id": str(user.id), "csrf_token": csrf_token(client, page)}
    assert client.post("/admin/user/delete/", data=data).status_code == 302
    session.rollback()  # read what the request committed
    batch = session.get(User, user.id, execution_options={INCLUDE_DELETED: True}).delete_batch
    data = {"batch": str(batch), "csrf_token": csrf_token(client, "/admin/trash/")}
    assert client.post("/admin/trash/restore/", data=data).status_code == 302


def test_api_and_console_trash_and_restore_alike(client, session, as_role, audit_log):
    console_user, api_user = _family(session, "by-console"), _family(session, "by-api")
    as_role(Role.EDITOR)
    seen = audit_log.seen()
    _console(client, session, console_user)
    by_console = _shape(audit_log, seen)

    api = token_for(client, Role.EDITOR, label="parity")
    seen = audit_log.seen()
    assert api.delete(f"users/{api_user.id}", if_match='"1"').status_code == 204
    assert api.post(f"users/{api_user.id}/restore").status_code == 200
    by_api = _shape(audit_log, seen)

    assert by_api == by_console, (by_api, by_console)
    assert {e.token_label for e in audit_log.entries(after=seen)} == {"parity"}
    live = session.scalars(select(User.username).order_by(User.username)).all()
    assert "by-api" in live
    assert "by-console" in live
