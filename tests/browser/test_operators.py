"""Operator management in a real browser: an admin creates an operator, then edits it."""

from __future__ import annotations

import uuid

from playwright.sync_api import Page, expect
from sqlalchemy import select

from admin_app.extensions import db
from admin_app.models import Operator, Role
from tests.browser.conftest import LiveServer, fill_sign_in, sign_in

FIRST_PASSWORD = "typed in chromium 1"
SECOND_PASSWORD = "typed in chromium 2"


def _stored(server: LiveServer, username: str) -> tuple[str, bool]:
    with server.app.app_context():
        account = db.session.scalars(select(Operator).filter_by(username=username)).one()
        db.session.remove()
        return account.role, account.is_active


def test_admin_creates_and_edits_an_operator(page: Page, live_server: LiveServer) -> None:
    username = f"hire-{uuid.uuid4().hex[:6]}"
    sign_in(page, Role.ADMIN)
    page.goto("/admin/operator/new/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Role").select_option("editor")
    page.get_by_label("New password").fill(FIRST_PASSWORD)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Record was successfully created.")).to_be_visible()
    assert _stored(live_server, username) == ("editor", True)

    page.locator("table.model-list tbody tr", has_text=username).get_by_title("Edit Record").click()
    page.get_by_label("Role").select_option("viewer")
    page.get_by_label("New password").fill(SECOND_PASSWORD)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Record was successfully saved.")).to_be_visible()
    expect(page.get_by_text("Already exists.")).to_have_count(0)
    assert _stored(live_server, username) == ("viewer", True)

    page.context.clear_cookies()
    fill_sign_in(page, username, SECOND_PASSWORD)
    page.wait_for_url("**/admin/")
    expect(page.get_by_text("viewer", exact=True)).to_be_visible()
