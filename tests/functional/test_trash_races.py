"""Trash changes racing each other through the console, on real threads and connections: one
effect, no 500, and an audit trail that matches the rows. Each race runs 20 times."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import func, select

from admin_app.models import AuditEntry, Comment, Post, Role
from admin_app.soft_delete import with_deleted
from tests.conftest import csrf_token, make_operator, sign_in
from tests.factories import CommentFactory, PostFactory

ROUNDS = 20


def _client(app: Any, name: str, role: Role) -> Any:
    make_operator(name, role)
    client = app.test_client()
    assert sign_in(client, name).status_code == 302
    return client


def _race(*posts: tuple[Any, str, dict[str, str]]) -> list[int]:
    """Send the (client, url, form) POSTs at once from their own threads; their statuses."""
    start = threading.Barrier(len(posts))
    results: list[int] = [0] * len(posts)

    def run(number: int) -> None:
        client, url, form = posts[number]
        start.wait()
        results[number] = client.post(url, data=form).status_code

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(posts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _flash(client: Any) -> str:
    return str(client.get("/admin/trash/").get_data(as_text=True))


def _trashed_family(session: Any, trash: Any) -> tuple[Any, list[Any]]:
    post = PostFactory()
    comments = CommentFactory.create_batch(2, post=post)
    session.commit()
    batch = trash(post)
    return batch.id, [post.id, *(c.id for c in comments)]


def _entries(session: Any, action: str, ids: list[Any]) -> int:
    session.rollback()
    wanted = [str(i) for i in ids]
    stmt = select(func.count()).where(AuditEntry.action == action, AuditEntry.entity_id.in_(wanted))
    return int(session.scalar(stmt))


def _live(session: Any, ids: list[Any]) -> int:
    session.rollback()
    total = 0
    for model in (Post, Comment):
        stmt = select(func.count()).where(model.id.in_(ids), model.deleted_at.is_(None))
        total += int(session.scalar(with_deleted(stmt)))
    return total


def _exists(session: Any, ids: list[Any]) -> int:
    session.rollback()
    total = 0
    for model in (Post, Comment):
        stmt = select(func.count()).where(model.id.in_(ids))
        total += int(session.scalar(with_deleted(stmt)))
    return total


@pytest.fixture
def editors(app: Any) -> tuple[Any, Any]:
    return _client(app, "editor-a", Role.EDITOR), _client(app, "editor-b", Role.EDITOR)


def test_two_restores_of_one_batch_restore_it_once(app, session, trash, editors):
    tokens = [csrf_token(client, "/admin/trash/") for client in editors]
    for _ in range(ROUNDS):
        batch, ids = _trashed_family(session, trash)
        form = {"batch": str(batch)}
        statuses = _race(
            *(
                (client, "/admin/trash/restore/", form | {"csrf_token": token})
                for client, token in zip(editors, tokens, strict=True)
            )
        )
        assert statuses == [302, 302]
        pages = [_flash(client) for client in editors]
        assert sum("Restored 3 record(s)" in page for page in pages) == 1, pages
        assert sum("Nothing was restored" in page for page in pages) == 1
        assert _live(session, ids) == 3
        assert _entries(session, "restore", ids) == 3, "one restore entry per record"


def test_purge_racing_restore_has_one_effect_and_a_matching_audit(app, session, trash, editors):
    admin = _client(app, "admin-race", Role.ADMIN)
    editor = editors[0]
    admin_token, editor_token = (
        csrf_token(admin, "/admin/trash/"),
        csrf_token(editor, "/admin/trash/"),
    )
    outcomes = set()
    for _ in range(ROUNDS):
        batch, ids = _trashed_family(session, trash)
        purge = {"batch": str(batch), "confirm": "yes", "csrf_token": admin_token}
        restore = {"batch": str(batch), "csrf_token": editor_token}
        statuses = _race(
            (admin, "/admin/trash/purge/", purge),
            (editor, "/admin/trash/restore/", restore),
        )
        assert statuses == [302, 302]
        restored, purged = _entries(session, "restore", ids), _entries(session, "purge", ids)
        if _exists(session, ids):
            assert (_live(session, ids), restored, purged) == (3, 3, 0)
            assert "Nothing was purged" in _flash(admin)
            outcomes.add("restore first")
        else:
            assert (restored, purged) == (0, 3)
            assert "Nothing was restored" in _flash(editor)
            outcomes.add("purge first")
    print(f"\noutcomes over {ROUNDS} rounds: {sorted(outcomes)}")
