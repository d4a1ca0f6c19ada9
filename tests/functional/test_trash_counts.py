"""Confirm pages give exactly the numbers the action then moves, for every demo user."""

import re
from typing import Any

import pytest
from sqlalchemy import select

from admin_app.models import Role, User
from admin_app.soft_delete import get_with_deleted
from admin_app.trash import restore
from seeds.demo import seed_demo
from tests.conftest import csrf_token

MOVES = re.compile(r"this also moves <strong>([^<]+)</strong>")
MOVED = re.compile(r"Moved (\d+) record\(s\) to the trash")
REMOVES = re.compile(
    r"This removes <strong>(\d+) record\(s\)</strong>(?:, and with them\s*([^.]*) they own)?"
)
PURGED = re.compile(r"Purged (\d+) record\(s\) permanently")


@pytest.fixture
def users(session: Any) -> list[User]:
    seed_demo(session)
    session.commit()
    return list(session.scalars(select(User).order_by(User.username)))


def _total(listed: str) -> int:
    """'24 comments, 5 posts and 1 profile' -> 30."""
    return sum(int(n) for n in re.findall(r"(\d+) \w+", listed))


def _trash_from_console(client: Any, user: User) -> tuple[int, int]:
    """(what the confirm page announces, what the flash says was moved)."""
    confirm = client.get(f"/admin/user/delete-confirm/?id={user.id}").get_data(as_text=True)
    found = MOVES.search(confirm)
    announced = 1 + (_total(found.group(1)) if found else 0)
    data = {"rowid": str(user.id), "csrf_token": csrf_token(client, "/admin/user/")}
    done = client.post("/admin/user/trash-selected/", data=data, follow_redirects=True)
    moved = MOVED.search(done.get_data(as_text=True))
    assert moved, "no flash after the delete"
    return announced, int(moved.group(1))


def test_delete_confirm_counts_what_the_delete_moves_for_every_user(
    client, session, users, as_role
):
    as_role(Role.EDITOR)
    for user in users:
        announced, moved = _trash_from_console(client, user)
        assert announced == moved, user.username
        session.rollback()
        restore(session, [get_with_deleted(session, User, user.id).delete_batch])
        session.commit()


def test_purge_confirm_counts_what_the_purge_removes_for_every_user(
    client, session, users, as_role
):
    as_role(Role.ADMIN)
    for user in users:
        _trash_from_console(client, user)
        token = csrf_token(client, "/admin/user-trash/")
        data = {"action": "purge", "rowid": str(user.id), "csrf_token": token}
        confirm = client.post("/admin/user-trash/action/", data=data).get_data(as_text=True)
        found = REMOVES.search(confirm)
        assert found, confirm[:2000]
        announced = int(found.group(1)) + (_total(found.group(2)) if found.group(2) else 0)
        data = {"rowid": str(user.id), "confirm": "yes", "csrf_token": token}
        done = client.post("/admin/user-trash/purge/", data=data, follow_redirects=True)
        purged = PURGED.search(done.get_data(as_text=True))
        assert purged, "no flash after the purge"
        assert int(purged.group(1)) == announced, user.username
