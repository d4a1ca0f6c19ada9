"""``flask operator list | set-role | reset-password | deactivate | activate | recover``."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from admin_app.models import Operator, Role
from tests.conftest import make_operator, sign_in

NEW_PASSWORD = "a brand new passphrase"


def _run(app: Any, command: str, stdin: str | None = None) -> Any:
    return app.test_cli_runner().invoke(args=command.split(), input=stdin)


def _state(session: Any, username: str) -> tuple[str, bool]:
    session.rollback()
    account = session.scalars(select(Operator).filter_by(username=username)).one()
    return account.role, account.is_active


def _one_error_line(result: Any) -> str:
    assert result.exit_code != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    return lines[0]


def test_list_shows_every_operator_and_no_secret(app, session):
    make_operator("ann", Role.ADMIN)
    make_operator("bea", Role.VIEWER).is_active = False
    session.commit()
    result = _run(app, "operator list")
    assert result.exit_code == 0, result.output
    rows = [line.split("\t")[:3] for line in result.stdout.splitlines()]
    assert rows == [["ann", "admin", "active"], ["bea", "viewer", "inactive"]]
    assert "scrypt" not in result.stdout


def test_set_role_changes_the_role_and_is_audited(app, session, audit_log):
    make_operator("ann", Role.ADMIN)
    make_operator("cid", Role.VIEWER)
    result = _run(app, "operator set-role cid editor")
    assert result.exit_code == 0, result.output
    assert _state(session, "cid") == ("editor", True)
    [entry] = audit_log.entries(action="update", entity_repr="cid")
    assert entry.changes["role"] == ["viewer", "editor"]
    assert entry.actor_name.startswith("cli:")


def test_reset_password_lets_the_new_one_in(app, session, audit_log):
    make_operator("dot", Role.EDITOR)
    result = _run(app, "operator reset-password dot --password-stdin", stdin=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert sign_in(app.test_client(), "dot", NEW_PASSWORD).status_code == 302
    [entry] = audit_log.entries(action="update", entity_repr="dot")
    assert NEW_PASSWORD not in str(entry.changes)
    assert "scrypt" not in str(entry.changes)


def test_deactivate_then_activate(app, session):
    make_operator("ann", Role.ADMIN)
    make_operator("eve", Role.EDITOR)
    assert _run(app, "operator deactivate eve").exit_code == 0
    assert _state(session, "eve") == ("editor", False)
    assert sign_in(app.test_client(), "eve").status_code == 200
    assert _run(app, "operator activate eve").exit_code == 0
    assert _state(session, "eve") == ("editor", True)
    assert sign_in(app.test_client(), "eve").status_code == 302


@pytest.mark.parametrize("command", ["set-role ann viewer", "deactivate ann"])
def test_the_last_active_admin_is_kept(app, session, command):
    make_operator("ann", Role.ADMIN)
    make_operator("old", Role.ADMIN).is_active = False
    session.commit()
    line = _one_error_line(_run(app, f"operator {command}"))
    assert "last active admin" in line
    assert _state(session, "ann") == ("admin", True)


@pytest.mark.parametrize(
    ("command", "stdin", "expected"),
    [
        ("set-role nobody admin", None, "no operator named 'nobody'"),
        ("set-role ann owner", None, "owner"),
        ("deactivate nobody", None, "no operator named 'nobody'"),
        ("reset-password ann --password-stdin", "short\n", "at least 10 characters"),
    ],
)
def test_bad_input_is_one_line_and_a_non_zero_exit(app, session, command, stdin, expected):
    make_operator("ann", Role.ADMIN)
    assert expected in _one_error_line(_run(app, f"operator {command}", stdin))


def test_recover_unlocks_a_locked_out_console(app, session):
    make_operator("ann", Role.VIEWER).is_active = False
    session.commit()
    result = _run(app, "operator recover ann --password-stdin", stdin=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert _state(session, "ann") == ("admin", True)
    client = app.test_client()
    assert sign_in(client, "ann", NEW_PASSWORD).status_code == 302
    assert client.get("/admin/operator/").status_code == 200
