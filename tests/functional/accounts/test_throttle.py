"""Sign-in is throttled per account and per client address, across app processes; failed
attempts cost the same work whether the account exists, is deactivated or not."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from admin_app.auth import signin, throttle
from admin_app.auth.sessions import CLOCK
from admin_app.database import pool_monitor
from admin_app.extensions import db
from admin_app.models import Role
from admin_app.models.throttle import sign_in_failures
from tests.conftest import PASSWORD, csrf_token, make_app, make_operator
from tests.functional.accounts.test_sessions import Clock


@pytest.fixture
def clock(app, monkeypatch) -> Clock:
    frozen = Clock()
    monkeypatch.setitem(app.config, CLOCK, frozen)
    return frozen


@pytest.fixture
def second_app(app: Flask, clock: Clock) -> Iterator[Flask]:
    """Another app process on the same database, on the same frozen clock."""
    other = make_app(app.config["SQLALCHEMY_DATABASE_URI"])
    other.test_client_class = app.test_client_class
    other.config[CLOCK] = clock
    yield other
    with other.app_context():
        db.engine.dispose()
        pool_monitor(other).monitor.dispose()


def _attempt(client: Any, username: str, password: str, address: str = "203.0.113.9") -> Any:
    environ = {"REMOTE_ADDR": address}
    token = csrf_token(client)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        environ_base=environ,
    )


def _first_429(attempts: Iterator[Any]) -> tuple[int, Any]:
    for number, response in enumerate(attempts, start=1):
        if response.status_code == 429:
            return number, response
        assert response.status_code == 200
    raise AssertionError("never throttled")


def test_one_account_is_locked_within_ten_attempts_across_two_processes(
    app, second_app, clock, audit_log
):
    make_operator("ann", Role.EDITOR)
    clients = [app.test_client(), second_app.test_client()]
    attempts = (
        _attempt(clients[n % 2], "ann", f"guess {n}", address=f"198.51.100.{n}") for n in range(10)
    )
    number, refused = _first_429(attempts)
    assert number <= 10
    wait = int(refused.headers["Retry-After"])
    assert wait > 0
    assert "Too many failed sign-ins" in refused.get_data(as_text=True)
    # The right password is refused too while the lock holds, in either process.
    assert _attempt(clients[1], "ann", PASSWORD).status_code == 429
    clock.advance(seconds=wait)
    assert _attempt(clients[0], "ann", PASSWORD).status_code == 302
    throttled = [e for e in audit_log.entries(action="login_failed") if e.changes]
    assert [e.changes for e in throttled] == [{"throttled": [None, "account"]}]


def test_one_address_is_locked_within_ten_attempts_across_two_processes(
    app, second_app, clock, audit_log
):
    make_operator("ann", Role.EDITOR)
    clients = [app.test_client(), second_app.test_client()]
    attempts = (_attempt(clients[n % 2], f"name-{n}", "some guess") for n in range(10))
    number, refused = _first_429(attempts)
    assert number <= 10
    # Another address is not held back by this one.
    assert _attempt(clients[0], "ann", PASSWORD, address="192.0.2.1").status_code == 302
    assert _attempt(clients[1], "ann", PASSWORD).status_code == 429
    clock.advance(seconds=int(refused.headers["Retry-After"]))
    assert _attempt(clients[1], "ann", PASSWORD).status_code == 302
    throttled = [e for e in audit_log.entries(action="login_failed") if e.changes]
    assert [(e.changes, e.entity_repr) for e in throttled] == [
        ({"throttled": [None, "address"]}, "unknown user")
    ]


def test_the_lock_grows_with_each_failure_after_it(app, clock):
    make_operator("ann", Role.EDITOR)
    client = app.test_client()
    waits = []
    for _ in range(3):
        _, refused = _first_429(iter(lambda: _attempt(client, "ann", "wrong"), None))
        waits.append(int(refused.headers["Retry-After"]))
        clock.advance(seconds=waits[-1])
    assert waits[0] < waits[1] < waits[2]


def test_a_locked_sign_in_checks_no_password(app, clock, monkeypatch):
    make_operator("ann", Role.EDITOR)
    client = app.test_client()
    _first_429(iter(lambda: _attempt(client, "ann", "wrong"), None))
    checks = []
    real = signin.check_password_hash
    monkeypatch.setattr(signin, "check_password_hash", lambda *a: checks.append(1) or real(*a))
    assert _attempt(client, "ann", PASSWORD).status_code == 429
    assert checks == []


@pytest.fixture
def unthrottled(app, monkeypatch) -> None:
    security = app.extensions["admin_app.settings"]["security"]
    monkeypatch.setitem(security, "signin_account_limit", 1000)
    monkeypatch.setitem(security, "signin_address_limit", 1000)


def test_unknown_deactivated_and_wrong_cost_the_same(app, session, monkeypatch, unthrottled):
    make_operator("ann", Role.EDITOR)
    make_operator("gone", Role.EDITOR).is_active = False
    session.commit()
    client = app.test_client()
    hashes_checked: list[str] = []
    real = signin.check_password_hash

    def spy(stored: str, password: str) -> bool:
        hashes_checked.append(stored.split("$")[0])  # the method and its cost parameters
        return bool(real(stored, password))

    monkeypatch.setattr(signin, "check_password_hash", spy)
    kinds = {"unknown": ("nobody-here", "a guess"), "deactivated": ("gone", PASSWORD)}
    kinds["wrong password"] = ("ann", "a guess")
    cpu: dict[str, list[float]] = {kind: [] for kind in kinds}
    _attempt(client, "warm-up", "x")  # the dummy hash is made once, on first use
    for _ in range(7):  # interleaved, so whatever else the machine does hits all three alike
        for kind, (username, password) in kinds.items():
            start = time.process_time()
            assert _attempt(client, username, password).status_code == 200
            cpu[kind].append(time.process_time() - start)
    assert len(set(hashes_checked)) == 1
    assert len(hashes_checked) == 1 + 7 * 3  # exactly one hash check per attempt
    medians = {kind: statistics.median(times) for kind, times in cpu.items()}
    assert max(medians.values()) <= 1.2 * min(medians.values()), medians


def test_concurrent_failures_in_two_processes_all_count(app, second_app, clock):
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def fail_once(instance: Flask) -> None:
        with instance.test_request_context("/login"):
            found = throttle.keys_for("shared-name", "198.51.100.77")
            barrier.wait()
            throttle.record_failure(found, clock.now)
            db.session.commit()
            counts.append(1)

    workers = [threading.Thread(target=fail_once, args=(a,)) for a in (app, second_app)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    assert counts == [1, 1]
    with app.test_request_context("/login"):
        keys = throttle.keys_for("shared-name", "198.51.100.77")
        rows = dict(
            db.session.execute(
                select(sign_in_failures.c.key, sign_in_failures.c.failures).where(
                    sign_in_failures.c.key.in_(keys.both())
                )
            ).all()
        )
    assert rows == {keys.account: 2, keys.address: 2}
