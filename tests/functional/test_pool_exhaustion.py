"""An exhausted pool under a real waitress server: 503 + Retry-After, counted, panel answers.

PostgreSQL only: pool 2 + 0 with a one-second checkout timeout, more concurrent slow requests
than connections, and a viewer polling /admin/pool/stats.json from another thread throughout.
The slow requests hold their connections until the test releases them, so the pool stays
full for as long as the test needs, however slow or busy the machine is.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask, jsonify
from flask_migrate import upgrade
from sqlalchemy import text

from admin_app.database import pool_monitor
from admin_app.extensions import db
from admin_app.models import Role
from tests.conftest import PASSWORD, make_app, make_operator, postgres_url
from tests.serving import serving
from tests.waiting import wait_until

POOL_TIMEOUT_S = 1
SLOW_REQUESTS = 6  # three HTML, three /api: four more than the pool's two connections
STATS = "/admin/pool/stats.json"
MIN_POLLS = 30  # polls answered while the pool was full
HOLD_LIMIT_S = 60  # a slow request gives up holding its connection after this, whatever
release = threading.Event()


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    def json(self) -> Any:
        return json.loads(self.body)


class Client:
    """A tiny cookie-keeping HTTP client over http.client, one connection per request."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: dict[str, str] | None = None, **headers: str
    ) -> Reply:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        payload = None
        if body is not None:
            payload = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        for raw in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(raw).items():
                self.cookies[name] = morsel.value
        return Reply(response.status, dict(response.headers.items()), data, seconds)

    def sign_in(self, username: str, password: str = PASSWORD) -> None:
        page = self.request("GET", "/login").body.decode()
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
            r'name="csrf_token" value="([^"]+)"', page
        )
        assert match, "no CSRF token on /login"
        reply = self.request(
            "POST",
            "/login",
            {"username": username, "password": password, "csrf_token": match.group(1)},
        )
        assert reply.status == 302, reply.body[:500]


def _slow() -> Any:
    db.session.execute(text("SELECT 1"))  # the connection stays checked out until we return
    release.wait(timeout=HOLD_LIMIT_S)
    return jsonify(held=True)


@pytest.fixture
def served() -> Iterator[tuple[Flask, int]]:
    """The app on its own PostgreSQL database, pool 2 + 0, served by waitress on loopback."""
    app = make_app(
        postgres_url("pool_"),
        database={"pool_size": 2, "max_overflow": 0, "pool_timeout": POOL_TIMEOUT_S},
        server={"threads": 8},
    )
    # Test-only routes, registered before the first request: no sign-in needed.
    app.add_url_rule("/slow", "test_slow", _slow)
    app.add_url_rule("/api/test-slow", "test_api_slow", _slow)
    with app.app_context():
        upgrade()
        make_operator("viewer", Role.VIEWER)
        db.session.remove()
    with serving(app, name="waitress-pool") as port:
        yield app, port
    with app.app_context():
        db.engine.dispose()
        pool_monitor(app).monitor.dispose()


def test_exhausted_pool_answers_503_counts_timeouts_and_keeps_the_panel_fast(
    served: tuple[Flask, int],
) -> None:
    _, port = served
    viewer = Client(port)
    viewer.sign_in("viewer")
    before = viewer.request("GET", STATS)
    assert before.status == 200, before.body[:300]
    assert before.json()["capacity"] == 2
    assert before.json()["settings"]["timeout"] == POOL_TIMEOUT_S
    timeouts_before = before.json()["counters"].get("timeout", 0)

    # Poll stats.json as the viewer until the test has seen what it needs, then a little more.
    polls: list[Reply] = []
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            polls.append(viewer.request("GET", STATS, Accept="application/json"))
            stop.wait(0.005)  # pacing the poller; it stops as soon as the test has seen enough

    slow_replies: list[tuple[str, Reply]] = []
    release.clear()

    def slow(path: str) -> None:
        reply = Client(port).request("GET", path)
        slow_replies.append((path, reply))

    def full_polls() -> int:
        return sum(1 for r in list(polls) if r.status == 200 and r.json()["checked_out"] == 2)

    poller = threading.Thread(target=poll, name="poller")
    poller.start()
    paths = ["/slow", "/api/test-slow"] * (SLOW_REQUESTS // 2)
    workers = [threading.Thread(target=slow, args=(p,)) for p in paths]
    try:
        for worker in workers:
            worker.start()
        # Two requests hold the pool; the other four wait out the checkout timeout and are
        # refused. The pool stays full until every refusal is in and the panel was polled.
        wait_until(
            lambda: len(slow_replies) >= SLOW_REQUESTS - 2 and full_polls() >= MIN_POLLS,
            "the pool never got to the state the test needs",
            bound_s=HOLD_LIMIT_S,
        )
    finally:
        release.set()
        for worker in workers:
            worker.join(timeout=HOLD_LIMIT_S)
        stop.set()
        poller.join(timeout=30)

    statuses = sorted(reply.status for _, reply in slow_replies)
    assert len(slow_replies) == SLOW_REQUESTS
    assert set(statuses) <= {200, 503}, statuses
    refused = [(path, reply) for path, reply in slow_replies if reply.status == 503]
    # Two connections: two requests ran; the rest waited a second and were refused.
    assert statuses.count(200) == 2, statuses
    assert len(refused) == SLOW_REQUESTS - 2, statuses
    for path, reply in refused:
        assert reply.headers.get("Retry-After", "").isdigit(), reply.headers
        assert reply.seconds >= POOL_TIMEOUT_S * 0.9, reply.seconds
        if path.startswith("/api/"):
            assert reply.headers["Content-Type"].startswith("application/problem+json")
            assert "busy" in reply.json()["detail"]
        else:
            assert reply.headers["Content-Type"].startswith("text/html")
            assert b"Busy" in reply.body

    after = viewer.request("GET", STATS)
    assert after.status == 200
    stats = after.json()
    assert stats["counters"].get("timeout", 0) - timeouts_before == len(refused), (
        stats["counters"],
        statuses,
    )
    assert stats["waits"]["timeouts"] == len(refused)
    assert stats["verdict"]["status"] == "critical"
    assert stats["checked_out"] == 0, "every connection is back once the requests are done"

    # The panel never needed the exhausted pool: every poll answered, also while it was full
    # (a poll that needed the pool would have waited out the timeout and been refused).
    assert full_polls() >= MIN_POLLS, len(polls)
    assert all(reply.status == 200 for reply in polls), [r.status for r in polls]
    peak = max(reply.json()["checked_out"] for reply in polls)
    assert peak == 2, "the polls saw the pool full"
    print(
        f"\nstats.json under exhaustion: {len(polls)} polls ({full_polls()} while full), "
        f"max {max(r.seconds for r in polls) * 1000:.1f} ms; {len(refused)} x 503"
    )
