"""Restoring a filter of a trash list over a big batch: the confirm page says it runs as a job."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from admin_app.extensions import db
from admin_app.models import Comment, Post, Role, User
from admin_app.trash import restore_job, soft_delete
from tests.browser.conftest import SCREENSHOTS, LiveServer, sign_in


def test_restore_over_a_filter_of_a_big_batch_runs_as_the_restore_job(
    page: Page, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(restore_job, "BIG_BATCH", 5)  # the server runs in this process
    monkeypatch.setattr(restore_job, "CHUNK", 3)
    word = f"bigfilter{uuid.uuid4().hex[:6]}"
    with live_server.app.app_context():
        author = User(username=word, email=f"{word}@example.org")
        posts = [Post(title=f"{word} note {n}", body="x", author=author) for n in range(6)]
        comments = [Comment(body="c", post=p, author=author) for p in posts]
        db.session.add_all([author, *posts, *comments])
        db.session.commit()
        soft_delete(db.session, posts)
        db.session.commit()
        first = posts[0].id
    sign_in(page, Role.EDITOR)
    page.goto(f"/admin/post-trash/bulk/?action=restore&search={word}+note+0")
    expect(page.locator("#restore-as-job")).to_contain_text("restore job")
    expect(page.locator("#bulk-count")).to_contain_text("12 record(s) in all")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "trash-list-restore-as-job.png"), full_page=True)
    page.get_by_label(re.compile(r"Yes, restore the 1 batch")).check()
    page.get_by_role("button", name=re.compile(r"Restore 12 record\(s\) as a job")).click()
    expect(page.locator("#bulk-status")).to_have_text("Finished.")
    expect(page.locator("#bulk-done")).to_have_text("12")
    with live_server.app.app_context():
        assert db.session.get(Post, first) is not None  # live again
