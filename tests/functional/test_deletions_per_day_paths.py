"""The dashboard's deletions per day match what each path moved to the trash: console and API."""

from __future__ import annotations

from typing import Any

from admin_app.models import DOMAIN_MODELS, Role
from admin_app.models.reports import activity_by_day
from admin_app.soft_delete import get_with_deleted
from tests.conftest import csrf_token
from tests.factories import CommentFactory, PostFactory, UserFactory
from tests.functional.api_client import token_for


def _family(session: Any, name: str) -> Any:
    """A user owning a post with two comments: four records move to the trash with it."""
    user = UserFactory(username=name)
    post = PostFactory(author=user)
    CommentFactory(post=post)
    CommentFactory(post=post, author=user)
    session.commit()
    return user


def _deleted(session: Any, audit_log: Any) -> int:
    latest = max(e.occurred_at for e in audit_log.entries())
    return sum(activity_by_day(session, list(DOMAIN_MODELS), now=latest).deleted)


def test_console_and_api_deletes_count_what_they_moved(client, session, as_role, audit_log):
    by_console, by_api = _family(session, "by-console"), _family(session, "by-api")
    as_role(Role.EDITOR)
    page = f"/admin/user/details/?id={by_console.id}"
    data = {"id": str(by_console.id), "csrf_token": csrf_token(client, page)}
    assert client.post("/admin/user/delete/", data=data).status_code == 302
    session.rollback()
    moved = len(audit_log.entries(action="soft_delete"))
    assert moved == 4  # the user, the post, its two comments
    assert _deleted(session, audit_log) == moved

    api = token_for(client, Role.EDITOR, label="chart")
    assert api.delete(f"users/{by_api.id}", if_match='"1"').status_code == 204
    session.rollback()
    assert get_with_deleted(session, type(by_api), by_api.id).deleted_at is not None
    moved = len(audit_log.entries(action="soft_delete"))
    assert moved == 8
    assert _deleted(session, audit_log) == moved
