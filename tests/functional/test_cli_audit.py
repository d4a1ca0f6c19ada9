from datetime import timedelta

from sqlalchemy import insert, select

from admin_app.columns import utc_now, uuid7
from admin_app.models import AuditEntry


def _entry(session, age_days):
    session.execute(
        insert(AuditEntry.__table__).values(
            id=uuid7(),
            occurred_at=utc_now() - timedelta(days=age_days),
            actor_name="system",
            action="update",
            entity_type="post",
            entity_repr="old",
            changes={},
            transaction_id=uuid7(),
        )
    )
    session.commit()


def _actions(session):
    session.rollback()
    return sorted(session.scalars(select(AuditEntry.action)))


def test_dry_run_counts_and_keeps_everything(app, session):
    _entry(session, 400)
    _entry(session, 10)
    result = app.test_cli_runner().invoke(
        args=["audit", "prune", "--older-than", "365d", "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    assert "Would remove 1 audit entry older than 365 day(s)." in result.output
    assert _actions(session) == ["update", "update"]


def test_prune_removes_old_entries_and_records_itself(app, session):
    _entry(session, 400)
    _entry(session, 10)
    result = app.test_cli_runner().invoke(args=["audit", "prune", "--older-than", "365d"])
    assert result.exit_code == 0, result.output
    assert "Removed 1 audit entry" in result.output
    assert _actions(session) == ["prune", "update"]
    prune = session.scalars(select(AuditEntry).where(AuditEntry.action == "prune")).one()
    assert prune.actor_name.startswith("cli:")
    assert prune.changes["removed"] == [None, 1]


def test_bad_age_is_one_line_and_removes_nothing(app, session):
    _entry(session, 400)
    result = app.test_cli_runner().invoke(args=["audit", "prune", "--older-than", "a year"])
    assert result.exit_code == 2
    assert "is not an age like 30d or 12h" in result.output
    assert _actions(session) == ["update"]
