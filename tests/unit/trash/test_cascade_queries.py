"""Walking what a record owns costs the same number of queries for 3 posts or 30."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from admin_app.extensions import db
from admin_app.models import User
from admin_app.trash import preview_cascade, purge, soft_delete
from tests.factories import CommentFactory, PostFactory, UserFactory


def _owner_of(session, posts):
    user = UserFactory()
    for _ in range(posts):
        CommentFactory(post=PostFactory(author=user), author=user)
    session.commit()
    user_id = user.id
    session.expunge_all()
    return user_id


def _statements(action):
    count = [0]

    def tick(*args):
        count[0] += 1

    event.listen(db.engine, "before_cursor_execute", tick)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", tick)
    return count[0]


@pytest.mark.parametrize("step", ["preview", "purge"])
def test_cascade_queries_do_not_grow_with_owned_rows(session, step):
    costs = []
    for posts in (3, 30):
        user = session.get(User, _owner_of(session, posts))
        if step == "preview":
            costs.append(_statements(lambda u=user: preview_cascade([u])))
        else:
            soft_delete(session, [user])
            session.commit()
            costs.append(_statements(lambda u=user: purge(session, [u])))
            session.commit()
        session.expunge_all()
    assert costs[0] == costs[1], costs
