"""Password hashes never reach the trail, whichever path writes the operator."""

from __future__ import annotations

import getpass
import json
from typing import Any

from sqlalchemy import delete, select, update

from admin_app.models import AuditEntry, Operator, Role

FIRST_PASSWORD = "first secret password"
SECOND_PASSWORD = "second secret password"


def _as_text(entry: AuditEntry) -> str:
    """Everything an entry stores, as one string."""
    return " ".join(
        [
            str(entry.actor_name),
            str(entry.entity_repr),
            str(entry.entity_id),
            json.dumps(entry.changes),
            str(entry.request_id),
            str(entry.remote_addr),
        ]
    )


def _assert_no_part_of(secret: str, entries: list[AuditEntry]) -> None:
    """No substring of ``secret`` longer than 8 characters appears in any entry."""
    stored = "\n".join(_as_text(entry) for entry in entries)
    pieces = {secret[i : i + 9] for i in range(len(secret) - 8)}
    leaked = sorted(piece for piece in pieces if piece in stored)
    assert leaked == [], leaked


def _hash_of(session: Any, username: str) -> str:
    session.rollback()
    return str(session.scalar(select(Operator.password_hash).filter_by(username=username)))


def test_creating_an_operator_records_the_password_as_redacted(session, audit_log):
    operator = Operator(username="alice", role=Role.EDITOR.value)
    operator.set_password(FIRST_PASSWORD)
    session.add(operator)
    session.commit()

    entries = audit_log.entries()
    (entry,) = entries
    assert (entry.action, entry.entity_type, entry.entity_repr) == ("create", "operator", "alice")
    assert entry.changes["password_hash"] == ["[redacted]", "[redacted]"]
    assert entry.changes["username"] == [None, "alice"]
    assert entry.changes["role"] == [None, "editor"]
    _assert_no_part_of(_hash_of(session, "alice"), entries)
    _assert_no_part_of(FIRST_PASSWORD, entries)


def test_changing_a_password_records_only_that_it_changed(session, audit_log):
    operator = Operator(username="bob", role=Role.VIEWER.value)
    operator.set_password(FIRST_PASSWORD)
    session.add(operator)
    session.commit()
    old_hash = _hash_of(session, "bob")

    operator = session.scalars(select(Operator).filter_by(username="bob")).one()
    operator.set_password(SECOND_PASSWORD)
    session.commit()
    new_hash = _hash_of(session, "bob")
    assert new_hash != old_hash

    entries = audit_log.entries()
    assert [(e.action, e.entity_repr) for e in entries] == [("create", "bob"), ("update", "bob")]
    assert entries[1].changes == {"password_hash": ["[redacted]", "[redacted]"]}
    for secret in (old_hash, new_hash, FIRST_PASSWORD, SECOND_PASSWORD):
        _assert_no_part_of(secret, entries)


def test_password_changed_after_its_attribute_expired_is_still_redacted(session, audit_log):
    operator = Operator(username="carol", role=Role.VIEWER.value)
    operator.set_password(FIRST_PASSWORD)
    session.add(operator)
    session.commit()
    old_hash = _hash_of(session, "carol")

    operator = session.scalars(select(Operator).filter_by(username="carol")).one()
    session.expire(operator, ["password_hash"])
    operator.set_password(SECOND_PASSWORD)
    operator.role = Role.ADMIN.value
    session.commit()

    entries = audit_log.entries()
    assert entries[-1].changes == {
        "password_hash": ["[redacted]", "[redacted]"],
        "role": ["viewer", "admin"],
    }
    _assert_no_part_of(old_hash, entries)
    _assert_no_part_of(_hash_of(session, "carol"), entries)


def test_cli_operator_create_is_recorded_as_the_os_user_without_the_hash(app, session, audit_log):
    result = app.test_cli_runner().invoke(
        args=["operator", "create", "dave", "--role", "editor", "--password-stdin"],
        input=FIRST_PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output

    entries = audit_log.entries()
    (entry,) = entries
    assert (entry.action, entry.entity_type, entry.entity_repr) == ("create", "operator", "dave")
    assert entry.actor_name.startswith("cli:")
    assert entry.actor_name == f"cli:{getpass.getuser()}"
    assert entry.actor_id is None
    assert entry.changes["password_hash"] == ["[redacted]", "[redacted]"]
    _assert_no_part_of(_hash_of(session, "dave"), entries)
    _assert_no_part_of(FIRST_PASSWORD, entries)


def test_bulk_statements_on_operators_redact_the_hash_too(session, audit_log):
    operator = Operator(username="erin", role=Role.VIEWER.value)
    operator.set_password(FIRST_PASSWORD)
    session.add(operator)
    session.commit()
    old_hash = _hash_of(session, "erin")
    new_hash = "scrypt:32768:8:1$bulkbulkbulk$" + "ab" * 32

    session.execute(
        update(Operator).where(Operator.username == "erin").values(password_hash=new_hash)
    )
    session.commit()
    session.execute(delete(Operator).where(Operator.username == "erin"))
    session.commit()

    entries = audit_log.entries()
    assert [(e.action, e.entity_repr) for e in entries] == [
        ("create", "erin"),
        ("bulk_update", "erin"),
        ("bulk_delete", "erin"),
    ]
    assert entries[1].changes["password_hash"] == ["[redacted]", "[redacted]"]
    assert entries[2].changes["password_hash"] == ["[redacted]", "[redacted]"]
    _assert_no_part_of(old_hash, entries)
    _assert_no_part_of(new_hash, entries)
