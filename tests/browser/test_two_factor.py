"""Two-factor sign-in in a real browser: enrol from the account page, then sign in with a code."""

from __future__ import annotations

import uuid

import pyotp
from playwright.sync_api import Page, expect
from sqlalchemy import select

from admin_app.extensions import db
from admin_app.models import Operator, Role
from tests.browser.conftest import LiveServer, fill_sign_in
from tests.conftest import PASSWORD, make_operator


def _new_operator(server: LiveServer) -> str:
    username = f"otp-{uuid.uuid4().hex[:6]}"
    with server.app.app_context():
        make_operator(username, Role.EDITOR)
        db.session.remove()
    return username


def _secret(server: LiveServer, username: str) -> str:
    with server.app.app_context():
        secret = db.session.scalars(select(Operator.totp_secret).filter_by(username=username)).one()
        db.session.remove()
    assert secret
    return str(secret)


def test_enrol_then_sign_in_with_a_code(page: Page, live_server: LiveServer) -> None:
    username = _new_operator(live_server)
    fill_sign_in(page, username, PASSWORD)
    page.wait_for_url("**/admin/")
    page.goto("/admin/account/")
    page.get_by_role("button", name="Set up two-factor sign-in").click()
    expect(page.locator("#two-factor-qr svg")).to_be_visible()
    totp = pyotp.TOTP(_secret(live_server, username))
    page.get_by_label("Code from your authenticator app").fill(totp.now())
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    recovery_code = page.locator("#recovery-codes li").first.inner_text()

    page.context.clear_cookies()
    fill_sign_in(page, username, PASSWORD)
    page.wait_for_url("**/login/code")
    code_box = page.get_by_label("Code from your authenticator app, or a recovery code")
    code_box.fill("not-a-code")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_have_text("That code is not valid.")
    # The enrolment code's time step is used up; a recovery code signs in (once).
    code_box.fill(recovery_code)
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/admin/")
    expect(page.locator("nav a.navbar-text")).to_contain_text(username)
