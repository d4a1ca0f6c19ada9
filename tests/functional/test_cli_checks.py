"""``flask check counters``: drift is reported with exit 1, and ``--repair`` sets it right."""

from __future__ import annotations

from sqlalchemy import text

from admin_app.models.counters import drift
from tests.factories import CommentFactory, PostFactory


def _run(app, command):
    return app.test_cli_runner().invoke(args=command.split())


def test_no_drift_reports_so_and_succeeds(app, session):
    CommentFactory(post=PostFactory())
    session.commit()
    result = _run(app, "check counters")
    assert result.exit_code == 0, result.output
    assert "No drift." in result.output


def test_drift_is_reported_then_repaired(app, session):
    post = PostFactory()
    CommentFactory.create_batch(2, post=post)
    session.commit()
    session.execute(text("UPDATE posts SET comment_count = 7"))
    session.commit()
    result = _run(app, "check counters")
    assert result.exit_code == 1
    assert "posts.comment_count: 1 row(s) drifted" in result.output
    assert "--repair" in result.stderr
    repaired = _run(app, "check counters --repair")
    assert repaired.exit_code == 0, repaired.output
    assert "Repaired 1 row(s)." in repaired.output
    session.rollback()
    assert not any(drift(session).values())
    assert session.scalar(text("SELECT comment_count FROM posts")) == 2
