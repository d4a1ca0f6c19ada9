"""A big batch restores from the recycle bin as a job whose progress the operator watches."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from admin_app.extensions import db
from admin_app.models import Comment, Post, Role, User
from admin_app.trash import restore_job, soft_delete
from tests.browser.conftest import SCREENSHOTS, LiveServer, sign_in


def test_restore_a_big_batch_and_watch_its_progress(
    page: Page, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(restore_job, "BIG_BATCH", 5)  # the server runs in this process
    monkeypatch.setattr(restore_job, "CHUNK", 3)
    word = f"restorejob{uuid.uuid4().hex[:6]}"
    with live_server.app.app_context():
        author = User(username=word, email=f"{word}@example.org")
        posts = [Post(title=f"{word} note {n}", body="x", author=author) for n in range(6)]
        comments = [Comment(body="c", post=p, author=author) for p in posts]
        db.session.add_all([author, *posts, *comments])
        db.session.commit()
        batch = soft_delete(db.session, posts).id
        db.session.commit()
        first = posts[0].id
    sign_in(page, Role.EDITOR)
    page.goto(f"/admin/trash/batch/{batch}/")
    expect(page.locator("#restore-as-job")).to_contain_text("restored as a job")
    page.get_by_role("button", name=re.compile(r"Restore 12 record")).click()
    expect(page.locator("#bulk-status")).to_have_text("Finished.")
    expect(page.locator(".progress-bar")).to_have_text("100 %")
    expect(page.locator("#bulk-done")).to_have_text("12")
    expect(page.locator("#restore-rest")).to_be_hidden()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "restore-job-progress.png"), full_page=True)
    with live_server.app.app_context():
        assert db.session.get(Post, first) is not None  # live again
