"""The console in a real browser: sign-in, the post form's author picker, roles, the dashboard."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from admin_app.extensions import db
from admin_app.models import DOMAIN_MODELS, Role, Task, counts
from tests.browser.conftest import SCREENSHOTS, LiveServer, fill_sign_in, sign_in

# Is any pixel of the canvas painted? Chart.js draws axes and bars; a failed chart leaves it blank.
CANVAS_PAINTED = """canvas => {
    const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    return canvas.width > 0 && pixels.some((value, i) => i % 4 === 3 && value > 0);
}"""


def test_wrong_password_is_refused_with_a_message(page: Page) -> None:
    fill_sign_in(page, "editor", "not the password")
    expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")
    expect(page).to_have_url("/login")


def test_right_password_lands_on_the_dashboard(page: Page) -> None:
    sign_in(page, Role.VIEWER)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.locator("#model-counts")).to_be_visible()
    expect(page.locator(".navbar .badge", has_text="viewer")).to_be_visible()


def test_editor_creates_a_post_with_the_author_picker(page: Page) -> None:
    title = f"Written in a browser {uuid.uuid4().hex[:6]}"
    sign_in(page, Role.EDITOR)
    page.goto("/admin/post/new/")
    page.get_by_label("Title").fill(title)
    page.locator("#s2id_author").click()
    page.locator("#select2-drop input.select2-input").fill("grac")
    page.locator("#select2-drop .select2-result", has_text="grace").click()
    page.get_by_label("Body").fill("Typed by Playwright into the real form.")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_text("Record was successfully created.")).to_be_visible()
    row = page.locator("table.model-list tbody tr", has_text=title)
    expect(row).to_have_count(1)
    expect(row.locator("td.col-author")).to_have_text("grace")


@pytest.mark.parametrize(
    ("role", "buttons"), [(Role.VIEWER, 0), (Role.EDITOR, 1)], ids=["viewer", "editor"]
)
def test_only_editors_see_create_and_delete_on_posts(page: Page, role: Role, buttons: int) -> None:
    sign_in(page, role)
    page.goto("/admin/post/")
    rows = page.locator("table.model-list tbody tr")
    expect(rows).to_have_count(20)
    expect(page.get_by_role("link", name="Create", exact=True)).to_have_count(buttons)
    trash_action = rows.first.get_by_title(re.compile("trash|delete", re.IGNORECASE))
    expect(trash_action).to_have_count(buttons)


def _live_counts(server: LiveServer) -> dict[str, str]:
    with server.app.app_context():
        counts.invalidate()  # one process holds the cache for every engine's app under test
        return {
            model.__name__: f"{db.session.scalar(select(func.count()).select_from(model)):,}"
            for model in DOMAIN_MODELS
        }


def _most_overdue(server: LiveServer) -> list[str]:
    with server.app.app_context():
        open_late = select(Task.title).where(Task.is_overdue).order_by(Task.due_at).limit(10)
        return list(db.session.scalars(open_late))


def test_dashboard_shows_counts_tasks_deletions_and_charts(
    page: Page, live_server: LiveServer
) -> None:
    expected, overdue = _live_counts(live_server), _most_overdue(live_server)
    sign_in(page, Role.VIEWER)

    shown = {
        row.locator("td").nth(0).inner_text(): row.locator("td").nth(1).inner_text()
        for row in page.locator("#model-counts tbody tr").all()
    }
    assert shown == expected
    assert overdue, "the demo seed has overdue tasks"
    expect(page.locator("#overdue-tasks tbody tr td:first-child")).to_have_text(overdue)
    deletions = page.locator("#recent-deletions tbody tr")
    expect(deletions).to_have_count(2)
    expect(deletions.first.get_by_role("link", name="Restore…")).to_have_attribute(
        "href", re.compile(r"^/admin/trash/batch/[0-9a-f-]{36}/$")
    )
    expect(deletions.filter(has_text="editor")).to_contain_text("Post")
    for chart in ("#chart-created", "#chart-deleted"):
        assert page.locator(chart).evaluate(CANVAS_PAINTED), f"{chart} is blank"


def test_a_missing_page_keeps_the_console_around_it(page: Page) -> None:
    sign_in(page, Role.VIEWER)
    response = page.goto("/admin/post/no-such-page/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "error-page-404.png"), full_page=True)
    page.get_by_role("link", name="Go to the dashboard").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
