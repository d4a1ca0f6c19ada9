"""TOTP two-factor sign-in: enrolment on one's own page, sign-in with a code on a frozen
clock, wrong and replayed codes refused, recovery codes that work once, required for admins."""

from __future__ import annotations

import re
from typing import Any

import pyotp
import pytest
from sqlalchemy import select

from admin_app.auth.sessions import CLOCK
from admin_app.models import Operator, Role
from tests.conftest import PASSWORD, csrf_token, make_operator, sign_in
from tests.functional.accounts.test_sessions import Clock


@pytest.fixture
def clock(app, monkeypatch) -> Clock:
    frozen = Clock()
    monkeypatch.setitem(app.config, CLOCK, frozen)
    return frozen


def _operator(session: Any, username: str) -> Operator:
    session.rollback()
    return session.scalars(select(Operator).filter_by(username=username)).one()


def _code(secret: str, clock: Clock) -> str:
    return pyotp.TOTP(secret).at(clock.now)


def _enrol(app: Any, session: Any, clock: Clock, username: str) -> tuple[str, list[str]]:
    """Enrol ``username`` through their own page; return the secret and the recovery codes."""
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    token = csrf_token(client, "/admin/account/")
    client.post("/admin/account/two-factor/start/", data={"csrf_token": token})
    page = client.get("/admin/account/").get_data(as_text=True)
    assert "<svg" in page  # the QR code, drawn by the server
    secret = _operator(session, username).totp_secret
    assert secret
    token = csrf_token(client, "/admin/account/")
    done = client.post(
        "/admin/account/two-factor/confirm/",
        data={"code": _code(secret, clock), "csrf_token": token},
    ).get_data(as_text=True)
    codes = re.findall(r"<li>([0-9a-f]{10})</li>", done)
    assert len(codes) == 10
    return secret, codes


def _sign_in_with_code(client: Any, username: str, code: str) -> Any:
    assert sign_in(client, username).headers["Location"] == "/login/code"
    token = csrf_token(client, "/login/code")
    return client.post("/login/code", data={"code": code, "csrf_token": token})


def test_enrolment_then_sign_in_with_a_code(app, session, clock, audit_log):
    make_operator("ann", Role.EDITOR)
    secret, _ = _enrol(app, session, clock, "ann")
    assert _operator(session, "ann").uses_two_factor
    client = app.test_client()
    # The password alone does not sign in.
    assert sign_in(client, "ann").headers["Location"] == "/login/code"
    assert client.get("/admin/").status_code == 302
    clock.advance(seconds=60)
    response = _sign_in_with_code(client, "ann", _code(secret, clock))
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    changes = [e.changes for e in audit_log.entries(entity_repr="ann", action="update")]
    assert secret not in str(changes)
    assert {"totp_secret": ["[redacted]", "[redacted]"]} in changes
    assert any("totp_enabled_at" in c and c["recovery_codes"][1] == "[redacted]" for c in changes)


def test_a_wrong_code_at_enrolment_turns_nothing_on(app, session, clock):
    make_operator("ann", Role.EDITOR)
    client = app.test_client()
    sign_in(client, "ann")
    client.post(
        "/admin/account/two-factor/start/",
        data={"csrf_token": csrf_token(client, "/admin/account/")},
    )
    token = csrf_token(client, "/admin/account/")
    page = client.post(
        "/admin/account/two-factor/confirm/", data={"code": "000000", "csrf_token": token}
    ).get_data(as_text=True)
    assert "That code is not valid" in page
    assert not _operator(session, "ann").uses_two_factor


def test_a_wrong_or_replayed_code_is_refused(app, session, clock):
    make_operator("ann", Role.EDITOR)
    secret, _ = _enrol(app, session, clock, "ann")
    clock.advance(seconds=90)
    wrong = str((int(_code(secret, clock)) + 1) % 1_000_000).zfill(6)
    client = app.test_client()
    response = _sign_in_with_code(client, "ann", wrong)
    assert "That code is not valid." in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302
    used = _code(secret, clock)
    assert _sign_in_with_code(app.test_client(), "ann", used).status_code == 302
    replay = _sign_in_with_code(app.test_client(), "ann", used)
    assert "That code is not valid." in replay.get_data(as_text=True)


def test_a_code_from_long_ago_is_refused(app, session, clock):
    make_operator("ann", Role.EDITOR)
    secret, _ = _enrol(app, session, clock, "ann")
    old = _code(secret, clock)
    clock.advance(minutes=3)
    response = _sign_in_with_code(app.test_client(), "ann", old)
    assert "That code is not valid." in response.get_data(as_text=True)


def test_a_recovery_code_works_once(app, session, clock):
    make_operator("ann", Role.EDITOR)
    _, codes = _enrol(app, session, clock, "ann")
    first = app.test_client()
    assert _sign_in_with_code(first, "ann", codes[0]).status_code == 302
    assert first.get("/admin/").status_code == 200
    again = _sign_in_with_code(app.test_client(), "ann", codes[0])
    assert "That code is not valid." in again.get_data(as_text=True)
    assert _sign_in_with_code(app.test_client(), "ann", codes[1]).status_code == 302


def test_guessing_codes_is_throttled(app, session, clock):
    make_operator("ann", Role.EDITOR)
    _enrol(app, session, clock, "ann")
    client = app.test_client()
    assert sign_in(client, "ann").headers["Location"] == "/login/code"
    statuses = []
    for _ in range(6):
        token = csrf_token(client, "/login/code")
        statuses.append(client.post("/login/code", data={"code": "123456", "csrf_token": token}))
    assert [r.status_code for r in statuses][:4] == [200] * 4
    assert statuses[4].status_code == 429
    assert "Retry-After" in statuses[4].headers
    # The lock holds for the password step too.
    assert sign_in(app.test_client(), "ann").status_code == 429


def test_admins_must_set_up_two_factor_when_required(app, session, clock, monkeypatch):
    security = app.extensions["admin_app.settings"]["security"]
    monkeypatch.setitem(security, "require_2fa_for_admins", True)
    make_operator("boss", Role.ADMIN)
    make_operator("ed", Role.EDITOR)
    client = app.test_client()
    assert sign_in(client, "boss").status_code == 302
    refused = client.get("/admin/operator/")
    assert refused.headers["Location"] == "/admin/account/"
    assert client.get("/api/v1/users").status_code == 403
    assert client.get("/admin/account/").status_code == 200
    editor = app.test_client()
    assert sign_in(editor, "ed").status_code == 302
    assert editor.get("/admin/").status_code == 200
    secret, _ = _enrol(app, session, clock, "boss")
    clock.advance(seconds=60)
    enrolled = app.test_client()
    assert _sign_in_with_code(enrolled, "boss", _code(secret, clock)).status_code == 302
    assert enrolled.get("/admin/operator/").status_code == 200


def test_recover_turns_two_factor_off(app, session, clock):
    make_operator("ann", Role.ADMIN)
    _enrol(app, session, clock, "ann")
    result = app.test_cli_runner().invoke(
        args=["operator", "recover", "ann", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    assert not _operator(session, "ann").uses_two_factor
    assert sign_in(app.test_client(), "ann").status_code == 302
