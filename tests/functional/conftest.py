"""Fixtures shared by the functional tests."""

from __future__ import annotations

from typing import Any

import pytest

from admin_app.trash import restore_job, soft_delete
from tests.factories import CommentFactory, PostFactory

# Posts in the big batch, with one comment each: 12 rows, above a BIG_BATCH of 5.
BIG_BATCH_POSTS = 6


@pytest.fixture
def big_batch(session: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A trashed batch the trash treats as big (BIG_BATCH and CHUNK lowered to 5)."""
    monkeypatch.setattr(restore_job, "BIG_BATCH", 5)
    monkeypatch.setattr(restore_job, "CHUNK", 5)
    posts = [PostFactory(title=f"Wombat {n}") for n in range(BIG_BATCH_POSTS)]
    for post in posts:
        CommentFactory(post=post)
    session.commit()
    trashed = soft_delete(session, posts)
    session.commit()
    return trashed
