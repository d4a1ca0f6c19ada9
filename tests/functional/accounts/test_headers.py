"""Every URL rule answers with the security headers; signed-in and JSON answers are not
cached; production adds HSTS and Secure cookies. Templates carry no inline script."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from admin_app.config import ROOT
from admin_app.database import pool_monitor
from admin_app.extensions import db
from admin_app.models import Role
from tests.conftest import PASSWORD, PRODUCTION, csrf_token, make_app, make_operator
from tests.functional.test_policy import _routes

ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>|\son\w+=", re.I)


def _check(response: Any, *, signed_in: bool) -> list[str]:
    problems = [
        f"{name}: {response.headers.get(name)!r}"
        for name, value in ALWAYS.items()
        if response.headers.get(name) != value
    ]
    policy = response.headers.get("Content-Security-Policy", "")
    if "script-src 'self'" not in policy or "unsafe-inline" in policy.split("style-src")[0]:
        problems.append(f"CSP: {policy!r}")
    if (signed_in or response.is_json) and response.headers.get("Cache-Control") != "no-store":
        problems.append(f"Cache-Control: {response.headers.get('Cache-Control')!r}")
    return problems


@pytest.mark.parametrize("role", [None, Role.ADMIN], ids=["anonymous", "admin"])
def test_every_url_rule_answers_with_the_security_headers(app, client, role):
    if role is not None:
        make_operator("headers-admin", role)
        token = csrf_token(client)
        signed_in = client.post(
            "/login", data={"username": "headers-admin", "password": PASSWORD, "csrf_token": token}
        )
        assert signed_in.status_code == 302
    failures = []
    for _endpoint, method, url in _routes(app):
        if method != "GET":
            continue
        response = client.get(url)
        problems = _check(response, signed_in=role is not None)
        failures += [f"GET {url} ({response.status_code}): {p}" for p in problems]
    assert failures == []


def test_production_sends_hsts_and_secure_cookies(app):
    prod = make_app(app.config["SQLALCHEMY_DATABASE_URI"], **PRODUCTION)
    try:
        client = prod.test_client()
        response = client.get("/login")
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        cookie = response.headers["Set-Cookie"]
        assert "Secure" in cookie
        assert "HttpOnly" in cookie
    finally:
        with prod.app_context():
            db.engine.dispose()
            pool_monitor(prod).monitor.dispose()


def test_development_sends_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_no_template_carries_inline_script():
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in Path(ROOT / "templates").rglob("*.html")
        for match in INLINE_SCRIPT.finditer(path.read_text())
    ]
    assert found == []
