"""The database refuses to change or remove entries; retention prune is the one way out."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from admin_app.audit import prune_older_than
from admin_app.columns import utc_now, uuid7
from admin_app.models import AuditEntry
from tests.factories import TagFactory


def _old_entry(session: Any, days: int, name: str) -> AuditEntry:
    entry = AuditEntry(
        occurred_at=utc_now() - timedelta(days=days),
        actor_name="system",
        action="create",
        entity_type="tag",
        entity_id=str(uuid.uuid4()),
        entity_repr=name,
        changes={"name": [None, name]},
        transaction_id=uuid7(),
    )
    session.add(entry)
    return entry


@pytest.fixture
def trail(session: Any) -> dict[str, Any]:
    """Two entries 90 and 40 days old, one written just now by a create."""
    ancient, old = _old_entry(session, 90, "ancient"), _old_entry(session, 40, "old")
    TagFactory(name="recent")
    session.commit()
    return {"ancient": ancient.id, "old": old.id}


def _reprs(session: Any) -> list[str]:
    session.rollback()
    return sorted(session.scalars(select(AuditEntry.entity_repr)))


def _refused(session: Any, sql: str, verb: str) -> None:
    with pytest.raises(DatabaseError, match=f"append-only.*{verb}"):
        session.connection().execute(text(sql))
    session.rollback()


@pytest.mark.parametrize(
    ("sql", "verb"),
    [
        ("UPDATE audit_entries SET actor_name = 'mallory'", "UPDATE"),
        ("UPDATE audit_entries SET changes = '{}' WHERE entity_repr = 'recent'", "UPDATE"),
        ("DELETE FROM audit_entries", "DELETE"),
        ("DELETE FROM audit_entries WHERE entity_repr = 'ancient'", "DELETE"),
    ],
)
def test_raw_update_and_delete_are_refused_by_the_database(session, trail, sql, verb):
    _refused(session, sql, verb)

    assert _reprs(session) == ["ancient", "old", "recent"]
    assert set(session.scalars(select(AuditEntry.actor_name))) == {"system"}


def test_orm_update_of_an_entry_is_refused(session, trail):
    entry = session.get(AuditEntry, trail["old"])
    entry.actor_name = "mallory"
    with pytest.raises(DatabaseError, match="append-only"):
        session.commit()
    session.rollback()

    assert session.get(AuditEntry, trail["old"]).actor_name == "system"


def test_dry_run_counts_and_removes_nothing(session, trail):
    removed = prune_older_than(session, before=utc_now() - timedelta(days=30), dry_run=True)
    session.commit()

    assert removed == 2
    assert _reprs(session) == ["ancient", "old", "recent"]
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "prune")).all() == []


def test_prune_removes_only_older_entries_and_records_itself(session, trail):
    cutoff = datetime.now(UTC) - timedelta(days=60)
    session.info["actor"] = {"id": None, "name": "cli:ops"}

    removed = prune_older_than(session, before=cutoff)
    session.commit()

    assert removed == 1
    assert _reprs(session) == ["1 entries", "old", "recent"]
    (entry,) = session.scalars(select(AuditEntry).where(AuditEntry.action == "prune")).all()
    assert (entry.entity_type, entry.entity_id, entry.entity_repr) == (
        "audit_entries",
        None,
        "1 entries",
    )
    assert entry.changes == {"before": [None, cutoff.isoformat()], "removed": [None, 1]}
    assert (entry.actor_id, entry.actor_name) == (None, "cli:ops")


def test_prune_with_nothing_old_enough_removes_and_records_nothing(session, trail):
    assert prune_older_than(session, before=utc_now() - timedelta(days=365)) == 0
    session.commit()

    assert _reprs(session) == ["ancient", "old", "recent"]


def test_prune_that_rolls_back_removes_nothing(session, trail):
    assert prune_older_than(session, before=utc_now() - timedelta(days=30)) == 2
    session.rollback()

    assert _reprs(session) == ["ancient", "old", "recent"]


def test_guard_is_closed_again_in_the_same_transaction_after_prune(session, trail):
    prune_older_than(session, before=utc_now() - timedelta(days=60))

    _refused(session, "DELETE FROM audit_entries WHERE entity_repr = 'old'", "DELETE")

    assert _reprs(session) == ["ancient", "old", "recent"]  # the refusal rolled back the prune


def test_guard_is_closed_again_in_a_later_transaction(session, trail):
    prune_older_than(session, before=utc_now() - timedelta(days=60))
    session.commit()

    _refused(session, "DELETE FROM audit_entries", "DELETE")
    _refused(session, "UPDATE audit_entries SET actor_name = 'mallory'", "UPDATE")

    assert _reprs(session) == ["1 entries", "old", "recent"]
    count = session.scalar(select(func.count()).select_from(AuditEntry))
    assert count == 3
