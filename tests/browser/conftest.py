"""Browser fixtures: the real app under waitress per engine, Debian's chromium, a signed-in page.

Playwright cannot download its own browsers here, so it drives /usr/bin/chromium. Without it
the browser tests skip locally and fail under ``CI=true``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import select

from admin_app.columns import utc_now
from admin_app.extensions import db
from admin_app.models import Comment, Post, Role, Tag
from admin_app.trash import soft_delete
from seeds.demo import seed_demo
from tests.conftest import ENGINES, PASSWORD, make_app, make_operator, postgres_url
from tests.serving import serving

CHROMIUM = Path(os.environ.get("TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
LAPTOP = {"width": 1366, "height": 768}


@dataclass(frozen=True)
class LiveServer:
    app: Flask
    url: str
    engine: str


def _database_url(engine: str, tmp_dir: Path) -> str:
    # Its own database: the functional tests' ``app`` fixture empties theirs after every test.
    return f"sqlite:///{tmp_dir / 'browser.db'}" if engine == "sqlite" else postgres_url("browser_")


def _seed(app: Flask) -> None:
    """Demo data, one operator per role, a month of history and two delete batches."""
    with app.app_context():
        upgrade()
        seed_demo(db.session)
        now = utc_now()
        # Spread posts and comments over the last month so the "created" chart has a shape.
        for model in (Post, Comment):
            for age, record in enumerate(db.session.scalars(select(model).order_by(model.id))):
                record.created_at = now - timedelta(days=age % 30, hours=1)
        operators = {role: make_operator(role.value, role) for role in Role}
        post = db.session.scalars(select(Post).where(Post.comments.any()).limit(1)).one()
        soft_delete(db.session, [post], actor_id=operators[Role.EDITOR].id)
        soft_delete(db.session, [db.session.scalars(select(Tag).limit(1)).one()])
        db.session.commit()
        db.session.remove()


@pytest.fixture(scope="session", params=ENGINES)
def live_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The app served by waitress on a free 127.0.0.1 port, on a seeded database."""
    engine = request.param
    app = make_app(_database_url(engine, tmp_path_factory.mktemp(f"browser-{engine}")))
    _seed(app)
    with serving(app, name=f"waitress-{engine}") as port:
        yield LiveServer(app, f"http://127.0.0.1:{port}", engine)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"the browser tests need chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(
    request: pytest.FixtureRequest, browser: Browser, live_server: LiveServer
) -> Iterator[Page]:
    """A fresh laptop-sized tab on the live server; its last state is saved as a screenshot."""
    context = browser.new_context(base_url=live_server.url, viewport=LAPTOP)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "-", request.node.name.replace("[", "-")).strip("-")
    tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    context.close()


def fill_sign_in(page: Page, username: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_in(page: Page, role: Role) -> None:
    """Sign in through the form as the seeded operator of ``role``; wait for the dashboard."""
    fill_sign_in(page, role.value, PASSWORD)
    page.wait_for_url("**/admin/")
