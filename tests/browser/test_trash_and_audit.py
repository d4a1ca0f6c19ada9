"""An operator's day in the browser: filter overdue tasks, trash and restore, revert history."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from playwright.sync_api import Page, expect

from admin_app.columns import utc_now
from admin_app.extensions import db
from admin_app.models import Comment, Post, Role, Task, User
from admin_app.trash import soft_delete
from tests.browser.conftest import SCREENSHOTS, LiveServer, sign_in


def _make_author(server: LiveServer, name: str) -> tuple[str, str]:
    """A user with a post, a comment and a task two days late; returns (user id, post title)."""
    with server.app.app_context():
        user = User(username=name, email=f"{name}@example.org", first_name="Bro", last_name="Wser")
        post = Post(title=f"Post by {name}", body="words", author=user)
        db.session.add_all(
            [
                user,
                post,
                Comment(body="nice", author=user, post=post),
                Task(
                    title=f"Overdue for {name}", assignee=user, due_at=utc_now() - timedelta(days=2)
                ),
            ]
        )
        db.session.commit()
        return str(user.id), post.title


def test_filter_tasks_by_is_overdue(page: Page, live_server: LiveServer) -> None:
    name = f"late{uuid.uuid4().hex[:6]}"
    _make_author(live_server, name)
    sign_in(page, Role.VIEWER)
    page.goto("/admin/task/")
    page.get_by_role("link", name="Add Filter").click()
    page.locator(".dropdown-menu.field-filters a", has_text=re.compile("Is Overdue")).first.click()
    # select2 hides the real <select>; force sets it the way the widget does.
    page.locator("table.filters select.filter-val").last.select_option(label="Yes", force=True)
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("table.model-list tbody tr", has_text=f"Overdue for {name}")).to_have_count(
        1
    )
    overdue_cells = page.locator("table.model-list tbody td.col-is_overdue")
    expect(overdue_cells.first).to_be_visible()
    expect(page.locator("table.model-list tbody td.col-is_overdue .fa-minus-circle")).to_have_count(
        0
    )


def test_trash_a_user_see_the_cascade_then_preview_and_restore_the_batch(
    page: Page, live_server: LiveServer
) -> None:
    name = f"gone{uuid.uuid4().hex[:6]}"
    user_id, post_title = _make_author(live_server, name)
    sign_in(page, Role.EDITOR)
    page.goto(f"/admin/user/delete-confirm/?id={user_id}")
    expect(page.locator("#delete-summary")).to_contain_text("this also moves")
    expect(page.locator("#delete-summary")).to_contain_text("1 post")
    page.get_by_role("button", name="Move to trash").click()
    expect(page.get_by_text(re.compile(r"Moved \d+ record\(s\) to the trash"))).to_be_visible()

    page.goto("/admin/trash/")
    page.locator("#trash-batches tbody tr").first.get_by_role(
        "link", name=re.compile("Preview")
    ).click()
    expect(page.locator("#restore-records")).to_contain_text(name)
    expect(page.locator("#restore-records")).to_contain_text(post_title)
    page.get_by_role("button", name=re.compile(r"Restore \d+ record")).click()
    expect(page.get_by_text(re.compile(r"Restored \d+ record\(s\)"))).to_be_visible()
    page.goto(f"/admin/user/?search={name}")
    expect(page.locator("table.model-list tbody tr", has_text=name)).to_have_count(1)


def test_restore_refused_when_the_username_is_taken(page: Page, live_server: LiveServer) -> None:
    name = f"twin{uuid.uuid4().hex[:6]}"
    user_id, _ = _make_author(live_server, name)
    with live_server.app.app_context():
        user = db.session.get(User, uuid.UUID(user_id))
        batch = soft_delete(db.session, [user]).id
        db.session.add(User(username=name, email=f"{name}.new@example.org"))
        db.session.commit()
    sign_in(page, Role.EDITOR)
    page.goto(f"/admin/trash/batch/{batch}/")
    problems = page.locator("#restore-problems")
    expect(problems).to_contain_text(f"username '{name}'")
    expect(problems).to_contain_text("is now used by a live record")
    expect(problems.get_by_role("link", name=name)).to_have_count(1)
    expect(page.get_by_role("button", name=re.compile("Restore"))).to_have_count(0)


def test_edit_a_title_read_the_history_and_revert_it(page: Page, live_server: LiveServer) -> None:
    name = f"hist{uuid.uuid4().hex[:6]}"
    _, title = _make_author(live_server, name)
    with live_server.app.app_context():
        post_id = db.session.scalar(db.select(Post.id).where(Post.title == title))
    sign_in(page, Role.EDITOR)
    page.goto(f"/admin/post/edit/?id={post_id}")
    page.get_by_label("Title").fill(f"{title} (edited)")
    page.get_by_role("button", name="Save and Continue Editing").click()
    page.locator("#record-history").click()

    history = page.locator("#audit-history")
    update_row = history.locator("tr.audit-update").first
    expect(update_row).to_contain_text(title)
    expect(update_row).to_contain_text(f"{title} (edited)")
    update_row.get_by_role("link", name="Revert…").click()
    expect(page.locator("#revert-fields")).to_contain_text(title)
    page.get_by_role("button", name="Revert").click()

    expect(page.get_by_text("Reverted; the revert is in the history.")).to_be_visible()
    expect(page.locator("#audit-history tr.audit-revert")).to_have_count(1)
    with live_server.app.app_context():
        assert db.session.get(Post, post_id).title == title


def test_trash_every_match_of_a_search_with_progress_then_restore_the_batch(
    page: Page, live_server: LiveServer
) -> None:
    word = f"bulk{uuid.uuid4().hex[:6]}"
    with live_server.app.app_context():
        author = User(username=word, email=f"{word}@example.org")
        db.session.add_all(
            [Post(title=f"{word} note {n}", body="x", author=author) for n in range(7)]
        )
        db.session.commit()
    sign_in(page, Role.EDITOR)
    page.goto(f"/admin/post/?search={word}")
    page.get_by_role("button", name="All 7 matching").or_(
        page.get_by_text("All 7 matching")
    ).first.click()
    page.get_by_role("link", name="Move to trash…").last.click()
    expect(page.locator("#bulk-count")).to_contain_text("7 record(s)")
    page.get_by_label(re.compile("Yes, move to trash all 7")).check()
    page.get_by_role("button", name=re.compile(r"Move to trash 7 record")).click()
    expect(page.locator("#bulk-status")).to_have_text("Finished.")
    expect(page.locator(".progress-bar")).to_have_text("100 %")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "bulk-trash-progress.png"), full_page=True)
    page.get_by_role("link", name="The batch in the recycle bin").click()
    expect(page.locator("#restore-records")).to_contain_text(f"{word} note 3")
    page.get_by_role("button", name=re.compile(r"Restore \d+ record")).click()
    expect(page.get_by_text(re.compile(r"Restored 7 record\(s\)"))).to_be_visible()
