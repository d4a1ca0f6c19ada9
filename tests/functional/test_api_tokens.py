"""API tokens: made once and shown once, stored hashed, refused the request after they are
revoked or their operator changes, rate-limited in the database; the session cookie still
reads, and writes with it need the CSRF token."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from admin_app.api.credentials import CHALLENGE
from admin_app.auth.sessions import CLOCK
from admin_app.columns import utc_now
from admin_app.config import settings_of
from admin_app.models import ApiToken, AuditEntry, Operator, Role
from admin_app.models.tokens import hash_secret
from tests.conftest import csrf_token, make_operator
from tests.functional.api_client import Api, problem, token_for


def _cli(app: Any, command: str) -> Any:
    return app.test_cli_runner().invoke(args=command.split())


def test_the_cli_prints_the_token_alone_on_its_last_line(app, client, session):
    make_operator("ops", Role.EDITOR)
    result = _cli(app, "operator token create ops --name nightly --expires-days 30 --read-only")
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    assert re.fullmatch(r"adm_[A-Za-z0-9_-]{40,}", secret)
    session.rollback()
    (token,) = session.scalars(select(ApiToken)).all()
    assert token.token_hash == hash_secret(secret)
    (made,) = session.scalars(select(AuditEntry).filter_by(entity_type="apitoken")).all()
    assert (made.action, made.actor_name[:4]) == ("create", "cli:")
    assert made.changes["token_hash"] == ["[redacted]", "[redacted]"]
    assert (token.label, token.is_read_only) == ("nightly", True)
    assert timedelta(days=29) < token.expires_at - utc_now() <= timedelta(days=30)
    response = client.get("/api/v1/users", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    listed = _cli(app, "operator token list ops")
    assert "nightly" in listed.output
    assert "read-only" in listed.output
    assert secret not in listed.output


def test_cli_refusals_are_one_line(app):
    make_operator("ops", Role.EDITOR)
    for command in (
        "operator token create nobody",
        "operator token create ops --expires-days 0",
        "operator token revoke not-a-uuid",
    ):
        result = _cli(app, command)
        assert result.exit_code != 0, command
        assert len(result.output.strip().splitlines()) == 1, result.output


def test_a_bearer_request_sets_no_cookie_and_records_its_use(client, session, audit_log):
    api = token_for(client, Role.VIEWER)
    seen = audit_log.seen()
    response = api.get("users")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert audit_log.entries(after=seen) == []  # a read, and its bookkeeping, audit nothing
    session.rollback()
    assert session.scalars(select(ApiToken)).one().last_used_at is not None


@pytest.mark.parametrize("header", ["Bearer adm_wrong", "Basic dXNlcjpwYXNz", "Bearer "])
def test_a_bad_credential_is_401_with_a_challenge(client, header):
    response = client.get("/api/v1/users", headers={"Authorization": header})
    problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith(CHALLENGE)


def test_a_revoked_token_is_refused_on_the_next_request(app, client, session):
    api = token_for(client, Role.EDITOR)
    assert api.get("users").status_code == 200
    token_id = session.scalars(select(ApiToken.id)).one()
    assert _cli(app, f"operator token revoke {token_id}").exit_code == 0
    problem(api.get("users"), 401)


def test_a_deactivated_operator_s_token_is_refused(client, session):
    api = token_for(client, Role.EDITOR)
    assert api.get("users").status_code == 200
    session.get(Operator, api.operator.id).is_active = False
    session.commit()
    problem(api.get("users"), 401)


def test_a_role_change_applies_on_the_next_request(client, session):
    api = token_for(client, Role.EDITOR)
    assert api.post("tags", {"name": "one"}).status_code == 201
    session.get(Operator, api.operator.id).role = Role.VIEWER.value
    session.commit()
    problem(api.post("tags", {"name": "two"}), 403)


def test_an_expired_token_is_refused(app, client, session, monkeypatch):
    api = token_for(client, Role.VIEWER)
    token = session.scalars(select(ApiToken)).one()
    token.expires_at = utc_now() + timedelta(days=1)
    session.commit()
    assert api.get("users").status_code == 200
    monkeypatch.setitem(app.config, CLOCK, lambda: utc_now() + timedelta(days=2))
    problem(api.get("users"), 401)


def test_over_the_rate_limit_is_429_with_retry_after(app, client, monkeypatch):
    limits = settings_of(app)["app"]
    monkeypatch.setitem(limits, "api_rate_limit", 3)
    api = token_for(client, Role.VIEWER)
    assert [api.get("tags").status_code for _ in range(3)] == [200, 200, 200]
    refused = api.get("tags")
    problem(refused, 429)
    assert 1 <= int(refused.headers["Retry-After"]) <= limits["api_rate_window_seconds"]
    later = utc_now() + timedelta(seconds=limits["api_rate_window_seconds"] + 1)
    monkeypatch.setitem(app.config, CLOCK, lambda: later)
    assert api.get("tags").status_code == 200  # a new window
    other = token_for(client, Role.VIEWER, label="another")
    assert other.get("tags").status_code == 200  # each token has its own count


# --- the browser session ----------------------------------------------------------------------


def test_a_session_reads_and_writes_only_with_the_csrf_token(client, as_role):
    as_role(Role.EDITOR)
    assert client.get("/api/v1/tags").status_code == 200
    problem(client.post("/api/v1/tags", json={"name": "x"}), 400)
    token = csrf_token(client, "/admin/")
    made = client.post("/api/v1/tags", json={"name": "x"}, headers={"X-CSRFToken": token})
    assert made.status_code == 201, made.get_json()


def test_the_account_page_makes_shows_once_lists_and_revokes(client, session, as_role):
    me = as_role(Role.EDITOR)
    form = {"label": "laptop", "expires_days": "7", "csrf_token": csrf_token(client, "/admin/")}
    page = client.post("/admin/account/tokens/", data=form).get_data(as_text=True)
    secret = re.search(r'id="new-token"[^>]*>([^<]+)<', page).group(1)
    api = Api(client.application.test_client(), secret, me)
    assert api.get("tags").status_code == 200
    again = client.get("/admin/account/").get_data(as_text=True)
    assert "laptop" in again
    assert secret not in again
    token_id = session.scalars(select(ApiToken.id)).one()
    csrf = csrf_token(client, "/admin/account/")
    revoked = client.post(f"/admin/account/tokens/{token_id}/revoke/", data={"csrf_token": csrf})
    assert revoked.status_code == 302
    problem(api.get("tags"), 401)


def test_one_may_revoke_only_one_s_own_tokens(client, session, as_role):
    other = token_for(client, Role.EDITOR)
    as_role(Role.ADMIN)
    token_id = session.scalars(select(ApiToken.id)).one()
    csrf = csrf_token(client, "/admin/account/")
    response = client.post(f"/admin/account/tokens/{token_id}/revoke/", data={"csrf_token": csrf})
    assert response.status_code == 404
    assert other.get("tags").status_code == 200


def test_an_account_form_without_csrf_is_refused(client, as_role):
    as_role(Role.EDITOR)
    assert client.post("/admin/account/tokens/", data={"label": "x"}).status_code == 400
