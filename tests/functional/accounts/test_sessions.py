"""Sessions end when they should: a replayed cookie is refused, pages send it to sign in and
JSON answers 401. CSRF tokens belong to one session."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from flask_wtf.csrf import generate_csrf, validate_csrf
from itsdangerous import TimestampSigner
from sqlalchemy import func, select
from wtforms import ValidationError

from admin_app.auth.sessions import CLOCK
from admin_app.columns import utc_now
from admin_app.models import Role, Tag
from tests.conftest import PASSWORD, csrf_token, make_operator, sign_in

NEW_PASSWORD = "another long passphrase"


class Clock:
    """A clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = utc_now()

    def __call__(self) -> Any:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(app, monkeypatch) -> Clock:
    frozen = Clock()
    monkeypatch.setitem(app.config, CLOCK, frozen)
    return frozen


def _signed_in_client(app: Any, username: str, password: str = PASSWORD) -> Any:
    client = app.test_client()
    assert sign_in(client, username, password).status_code == 302
    return client


def _replay(app: Any, client: Any) -> Any:
    """A second browser that presents the same session cookie."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def _refused(client: Any) -> bool:
    page, api = client.get("/admin/"), client.get("/api/v1/users")
    sent_to_sign_in = page.status_code == 302 and page.headers["Location"].startswith("/login")
    return sent_to_sign_in and api.status_code == 401


def _admitted(client: Any) -> bool:
    return (
        client.get("/admin/").status_code == 200 and client.get("/api/v1/users").status_code == 200
    )


def _run(app: Any, command: str, stdin: str | None = None) -> None:
    result = app.test_cli_runner().invoke(args=command.split(), input=stdin)
    assert result.exit_code == 0, result.output


def test_a_cookie_replayed_after_sign_out_is_refused(app):
    make_operator("ann", Role.EDITOR)
    client = _signed_in_client(app, "ann")
    elsewhere = _signed_in_client(app, "ann")
    stolen = _replay(app, client)
    assert _admitted(stolen)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    assert _refused(stolen)
    assert _refused(elsewhere)
    assert _refused(client)


def test_a_replayed_cookie_cannot_write_after_sign_out(app, session):
    make_operator("ann", Role.EDITOR)
    client = _signed_in_client(app, "ann")
    token = csrf_token(client, "/admin/tag/new/")
    stolen = _replay(app, client)
    client.post("/logout", data={"csrf_token": token})
    response = stolen.post("/admin/tag/new/", data={"name": "replayed", "csrf_token": token})
    assert response.status_code in (302, 400)
    assert session.scalar(select(func.count()).select_from(Tag)) == 0


def test_changing_ones_own_password_ends_the_other_sessions_only(app):
    make_operator("ann", Role.VIEWER)
    client, elsewhere = _signed_in_client(app, "ann"), _signed_in_client(app, "ann")
    stolen = _replay(app, client)
    token = csrf_token(client, "/admin/account/")
    response = client.post(
        "/admin/account/password/",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "repeat_password": NEW_PASSWORD,
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    assert _refused(elsewhere)
    assert _refused(stolen)
    assert _admitted(client)


def test_the_wrong_current_password_changes_nothing(app):
    make_operator("ann", Role.VIEWER)
    client = _signed_in_client(app, "ann")
    token = csrf_token(client, "/admin/account/")
    page = client.post(
        "/admin/account/password/",
        data={
            "current_password": "a guess at it",
            "new_password": NEW_PASSWORD,
            "repeat_password": NEW_PASSWORD,
            "csrf_token": token,
        },
    )
    assert "That is not your current password." in page.get_data(as_text=True)
    assert sign_in(app.test_client(), "ann").status_code == 302


@pytest.mark.parametrize(
    ("command", "stdin"),
    [
        ("operator reset-password ann --password-stdin", NEW_PASSWORD + "\n"),
        ("operator set-role ann viewer", None),
        ("operator deactivate ann", None),
    ],
    ids=["password-reset", "role-change", "deactivation"],
)
def test_a_cookie_replayed_after_an_account_change_is_refused(app, command, stdin):
    make_operator("root", Role.ADMIN)
    make_operator("ann", Role.EDITOR)
    client = _signed_in_client(app, "ann")
    stolen = _replay(app, client)
    _run(app, command, stdin)
    assert _refused(stolen)
    assert _refused(client)


def test_an_admin_changing_a_role_in_the_console_ends_that_operators_sessions(app, session):
    account = make_operator("ann", Role.EDITOR)
    target = _signed_in_client(app, "ann")
    admin = _signed_in_client(app, make_operator("boss", Role.ADMIN).username)
    path = f"/admin/operator/edit/?id={account.id}"
    data = {"username": "ann", "role": "viewer", "is_active": "y"}
    admin.post(path, data={**data, "csrf_token": csrf_token(admin, path)})
    assert _refused(target)
    assert _admitted(admin)


def test_sign_out_everywhere_ends_every_session(app, audit_log):
    make_operator("ann", Role.VIEWER)
    client, elsewhere = _signed_in_client(app, "ann"), _signed_in_client(app, "ann")
    token = csrf_token(client, "/admin/account/")
    response = client.post("/admin/account/sign-out-everywhere/", data={"csrf_token": token})
    assert response.headers["Location"].startswith("/login")
    assert _refused(elsewhere)
    assert _refused(client)
    [entry] = audit_log.entries(action="logout")
    assert entry.changes == {"sessions": ["open", "all ended"]}


def test_an_idle_session_ends(app, clock):
    make_operator("ann", Role.VIEWER)
    client = _signed_in_client(app, "ann")
    stolen = _replay(app, client)
    clock.advance(minutes=300)
    assert _admitted(client)  # activity restarts the 480-minute idle timeout
    clock.advance(minutes=300)
    assert _admitted(client)
    assert _refused(stolen)  # its cookie says it was last used 600 minutes ago
    clock.advance(minutes=1)
    assert _admitted(client)
    clock.advance(minutes=481)
    assert _refused(client)


def test_an_active_session_ends_at_the_absolute_cap(app, clock):
    make_operator("ann", Role.VIEWER)
    client = _signed_in_client(app, "ann")
    for _ in range(3):
        clock.advance(minutes=230)
        assert _admitted(client)
    clock.advance(minutes=40)  # 730 minutes after sign-in, past the 720-minute cap
    assert _refused(client)


def test_a_csrf_token_from_an_earlier_session_is_refused(app, session):
    make_operator("ann", Role.EDITOR)
    client = _signed_in_client(app, "ann")
    old_token = csrf_token(client, "/admin/tag/new/")
    client.post("/logout", data={"csrf_token": old_token})
    assert sign_in(client, "ann").status_code == 302
    response = client.post("/admin/tag/new/", data={"name": "forged", "csrf_token": old_token})
    assert response.status_code == 400
    assert session.scalar(select(func.count()).select_from(Tag)) == 0


def test_the_sign_in_pages_token_does_not_outlive_sign_in(app, session):
    make_operator("ann", Role.EDITOR)
    client = app.test_client()
    anonymous_token = csrf_token(client, "/login")
    client.post(
        "/login", data={"username": "ann", "password": PASSWORD, "csrf_token": anonymous_token}
    )
    response = client.post(
        "/admin/tag/new/", data={"name": "forged", "csrf_token": anonymous_token}
    )
    assert response.status_code == 400
    assert session.scalar(select(func.count()).select_from(Tag)) == 0


def test_a_csrf_token_expires_with_the_idle_timeout(app, monkeypatch):
    limit = app.config["WTF_CSRF_TIME_LIMIT"]
    assert limit == 480 * 60
    with app.test_request_context("/admin/"):
        token = generate_csrf()
        validate_csrf(token)  # fresh: accepted
        issued = int(time.time())
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: issued + limit + 1)
        with pytest.raises(ValidationError, match="expired"):
            validate_csrf(token)
