"""The live pool panel in a real browser: gauges, counters and chart move under load, no reload."""

from __future__ import annotations

import re
import threading
from typing import Any

from playwright.sync_api import Page, expect

from admin_app import pool
from admin_app.extensions import db
from admin_app.models import Role
from tests.browser.conftest import SCREENSHOTS, LiveServer, sign_in

HELD = 3  # connections the load script holds; the test app's pool is 5 + 5

CHART = """() => {
    const chart = Chart.getChart(document.getElementById("pool-chart"));
    return chart.data.datasets.map((set) => [...set.data]);
}"""
GAUGE = '[data-gauge="checked_out"]'
COUNTER = '[data-counter="checkout"]'


def _text(page: Page, selector: str) -> str:
    return page.locator(selector).inner_text().strip()


def _hold_connections(live_server: LiveServer, started: threading.Barrier, done: Any) -> None:
    """The load script: one thread per connection, each held until ``done`` is set."""
    with live_server.app.app_context():
        engine = db.engine
    pool.holder.set("load script")
    with engine.connect():
        started.wait(timeout=10)
        done.wait(timeout=25)


def test_panel_follows_the_pool_live_without_a_reload(page: Page, live_server: LiveServer) -> None:
    sign_in(page, Role.VIEWER)
    page.goto("/admin/pool/")
    panel = page.locator("#pool-panel")
    expect(panel).to_have_attribute("data-updated", re.compile(r"^\d+$"))
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    page.evaluate("() => { window.__loadedOnce = 'still here'; }")
    url = page.url
    in_use_before = int(_text(page, GAUGE))
    checkouts_before = int(_text(page, COUNTER))
    chart_before = page.evaluate(CHART)
    updated_before = panel.get_attribute("data-updated")
    assert in_use_before < HELD

    started = threading.Barrier(HELD + 1)
    done = threading.Event()
    load = [
        threading.Thread(target=_hold_connections, args=(live_server, started, done))
        for _ in range(HELD)
    ]
    for thread in load:
        thread.start()
    try:
        started.wait(timeout=10)
        # The next poll (every 2 s) redraws the panel in place.
        expect(page.locator(GAUGE)).to_have_text(str(HELD), timeout=8_000)
        expect(panel).not_to_have_attribute("data-updated", updated_before or "")
        assert int(_text(page, COUNTER)) >= checkouts_before + HELD
        expect(page.locator("#pool-held tbody tr", has_text="load script")).to_have_count(HELD)
        # The chart samples once a second: a later poll charts the held connections.
        page.wait_for_function(
            f"() => Math.max(...Chart.getChart(document.getElementById('pool-chart'))"
            f".data.datasets[0].data) >= {HELD}",
            timeout=8_000,
        )
        assert page.evaluate(CHART) != chart_before
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(SCREENSHOTS / f"pool-panel-under-load-{live_server.engine}.png"),
            full_page=True,
        )
    finally:
        done.set()
        for thread in load:
            thread.join(timeout=10)

    # And back down once the load script lets go, still without a reload.
    # At most what it showed before: that first reading may have caught another request's
    # connection in use, which on a busy machine has since come back.
    back_down = re.compile(rf"^[0-{in_use_before}]$")
    expect(page.locator(GAUGE)).to_have_text(back_down, timeout=8_000)
    expect(page.locator("#pool-held tbody tr", has_text="load script")).to_have_count(0)
    assert page.url == url
    assert navigations == []
    assert page.evaluate("() => window.__loadedOnce") == "still here"
