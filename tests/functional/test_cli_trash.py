from datetime import timedelta

from sqlalchemy import select

from admin_app.columns import utc_now
from admin_app.models import Post
from admin_app.soft_delete import with_deleted
from admin_app.trash import soft_delete
from tests.factories import PostFactory


def _aged_trash(session):
    old, recent = PostFactory(), PostFactory()
    soft_delete(session, [old])
    soft_delete(session, [recent])
    old.deleted_at = utc_now() - timedelta(days=40)
    session.commit()
    return old.id, recent.id


def _ids(session):
    session.rollback()
    return set(session.scalars(with_deleted(select(Post.id))))


def test_dry_run_counts_and_changes_nothing(app, session):
    old_id, recent_id = _aged_trash(session)
    result = app.test_cli_runner().invoke(
        args=["trash", "purge", "--older-than", "30d", "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    assert "Would purge 1 row(s)" in result.output
    assert _ids(session) == {old_id, recent_id}


def test_purge_removes_rows_older_than_the_age(app, session):
    _, recent_id = _aged_trash(session)
    result = app.test_cli_runner().invoke(args=["trash", "purge", "--older-than", "30d"])
    assert result.exit_code == 0, result.output
    assert "Purged 1 row(s)" in result.output
    assert _ids(session) == {recent_id}


def test_bad_age_is_one_line_and_purges_nothing(app, session):
    old_id, recent_id = _aged_trash(session)
    result = app.test_cli_runner().invoke(args=["trash", "purge", "--older-than", "soon"])
    assert result.exit_code == 2
    assert "is not an age like 30d or 12h" in result.output
    assert _ids(session) == {old_id, recent_id}
