"""The daily rollup kept by triggers always equals a recount of the tables, after any write."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from admin_app.columns import utc_now
from admin_app.models import DOMAIN_MODELS, Post, daily_activity
from admin_app.models.reports import rebuild_activity
from admin_app.soft_delete import with_deleted
from admin_app.trash import purge, restore, soft_delete
from seeds.bench import seed_bench
from tests.factories import CommentFactory, PostFactory, TaskFactory


def _rollup(session: Any) -> dict[tuple[str, str], tuple[int, int]]:
    rows = session.execute(select(daily_activity))
    # A day whose records all went again may keep a row of zeros; it shows nothing.
    return {(r.day, r.table_name): (r.created, r.deleted) for r in rows if r.created or r.deleted}


def _matches_a_recount(session: Any) -> bool:
    kept = _rollup(session)
    rebuild_activity(session, list(DOMAIN_MODELS))
    recounted = _rollup(session)
    session.rollback()
    return kept == recounted and bool(kept)


def test_every_write_path_keeps_the_rollup_exact(session):
    post = PostFactory(created_at=utc_now() - timedelta(days=3))
    CommentFactory.create_batch(2, post=post)
    TaskFactory(post=post)
    session.commit()
    assert _matches_a_recount(session)
    batch = soft_delete(session, [post])
    session.commit()
    assert _matches_a_recount(session)
    restore(session, [batch.id])
    session.commit()
    assert _matches_a_recount(session)
    session.execute(
        update(Post).values(deleted_at=utc_now() - timedelta(days=1)),
        execution_options={"synchronize_session": False},
    )
    session.commit()
    assert _matches_a_recount(session)
    purge(session, [session.scalars(with_deleted(select(Post))).one()])
    session.commit()
    assert _matches_a_recount(session)


def test_the_bench_seed_leaves_the_rollup_exact(session):
    seed_bench(session, scale=200)
    assert _matches_a_recount(session)
