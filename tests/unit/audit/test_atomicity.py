"""Entries commit or roll back with the change they describe, never on their own."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError

from admin_app.models import AuditEntry, Tag
from admin_app.soft_delete import with_deleted
from tests.factories import TagFactory


def _count(session: Any, model: Any) -> int:
    return int(session.scalar(with_deleted(select(func.count()).select_from(model))))


def _committed(session: Any) -> tuple[int, int]:
    """(tags, audit entries) as committed."""
    session.rollback()
    return _count(session, Tag), _count(session, AuditEntry)


def _entries_on_connection(session: Any) -> int:
    return int(session.connection().scalar(select(func.count()).select_from(AuditEntry.__table__)))


def test_unique_violation_in_a_later_flush_takes_the_earlier_entries_with_it(session):
    TagFactory(name="taken")
    session.commit()
    assert _committed(session) == (1, 1)

    session.add(Tag(name="fresh"))
    session.flush()
    assert _entries_on_connection(session) == 2  # the entry for "fresh" is written
    session.add(Tag(name="taken"))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()

    assert _committed(session) == (1, 1)
    assert session.scalars(select(Tag.name)).all() == ["taken"]


def test_unique_violation_in_the_same_flush_leaves_no_change_and_no_entry(session):
    TagFactory(name="taken")
    session.commit()

    session.add_all([Tag(name="fresh"), Tag(name="taken")])
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()

    assert _committed(session) == (1, 1)


def test_error_after_the_audit_insert_in_the_same_flush_leaves_nothing(session):
    seen: list[int] = []

    def fail_after_flush(flushing: Any, context: Any) -> None:
        seen.append(_entries_on_connection(flushing))
        raise RuntimeError("after the audit insert")

    real_session = session()
    event.listen(real_session, "after_flush", fail_after_flush)
    try:
        session.add(Tag(name="doomed"))
        with pytest.raises(RuntimeError, match="after the audit insert"):
            session.commit()
    finally:
        event.remove(real_session, "after_flush", fail_after_flush)
    session.rollback()

    assert seen == [1]  # the entry had been inserted when the error struck
    assert _committed(session) == (0, 0)


def test_before_commit_error_leaves_neither_change_nor_entry(session):
    def refuse(committing: Any) -> None:
        raise RuntimeError("commit refused")

    real_session = session()
    session.add(Tag(name="flushed"))
    session.flush()
    assert _entries_on_connection(session) == 1
    event.listen(real_session, "before_commit", refuse)
    try:
        with pytest.raises(RuntimeError, match="commit refused"):
            session.commit()
    finally:
        event.remove(real_session, "before_commit", refuse)
    session.rollback()

    assert _committed(session) == (0, 0)


def test_rolled_back_transaction_leaves_no_entry(session):
    tag = TagFactory(name="kept")
    session.commit()

    session.add(Tag(name="never"))
    tag.name = "renamed"
    session.flush()
    assert _entries_on_connection(session) == 3
    session.rollback()

    assert _committed(session) == (1, 1)
    assert session.scalars(select(AuditEntry.action)).all() == ["create"]


def test_rolled_back_savepoint_takes_only_its_own_entries(session):
    TagFactory(name="outer")
    savepoint = session.begin_nested()
    session.add(Tag(name="inner"))
    session.flush()
    savepoint.rollback()
    session.commit()

    assert session.scalars(select(AuditEntry.entity_repr)).all() == ["outer"]
    assert _committed(session) == (1, 1)


def test_committed_transaction_leaves_exactly_its_entries(session):
    first, second = TagFactory(name="one"), TagFactory(name="two")
    session.commit()
    first.name = "one renamed"
    session.delete(second)
    session.commit()

    rows = session.execute(
        select(AuditEntry.action, AuditEntry.entity_repr).order_by(AuditEntry.id)
    ).all()
    assert sorted(rows[:2]) == [("create", "one"), ("create", "two")]
    assert sorted(rows[2:]) == [("purge", "two"), ("update", "one renamed")]
    assert _committed(session) == (1, 4)
