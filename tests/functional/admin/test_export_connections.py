"""CSV exports own their connection: given back when the file ends, fails or is dropped."""

from __future__ import annotations

import csv
import gc
import http.client
import io
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from admin_app.admin.export import FAILED_LINE
from admin_app.database import pool_monitor
from admin_app.extensions import db
from admin_app.models import Role
from tests.conftest import make_app, make_operator
from tests.factories import PostFactory
from tests.functional.test_pool_exhaustion import Client
from tests.serving import serving

EXPORT = "/admin/post/export/csv/"
EXPORTERS = 4
ROUNDS = 6


@pytest.fixture
def gc_off() -> Iterator[None]:
    """No garbage collector: a connection must come back by itself, not when gc finds it."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _checked_out() -> int:
    return int(db.engine.pool.checkedout())  # type: ignore[attr-defined]


def test_finished_and_dropped_exports_give_every_connection_back(client, session, as_role, gc_off):
    PostFactory.create_batch(30)
    session.commit()
    as_role(Role.EDITOR)
    session.close()
    for _ in range(50):
        assert len(client.get(EXPORT).get_data(as_text=True).splitlines()) == 31
    for number in range(50):
        response = client.get(EXPORT)
        assert response.status_code == 200
        if number % 2:  # half hang up after the header line, half before any line
            next(iter(response.response))
        response.close()
    assert _checked_out() == 0


def test_a_failure_mid_stream_ends_the_file_with_an_error_line(
    app, client, session, as_role, monkeypatch, caplog
):
    PostFactory.create_batch(5)
    session.commit()
    as_role(Role.EDITOR)
    view = next(v for v in app.extensions["admin_app.console"]._views if v.endpoint == "post")
    original = view._export_plan

    def failing_plan(query: Any) -> Any:
        rows, cells = original(query)

        def three_then_lost() -> Iterator[Any]:
            for sent, row in enumerate(rows):
                if sent == 3:  # the fourth row never arrives
                    raise RuntimeError("connection lost")
                yield row

        return three_then_lost(), cells

    monkeypatch.setattr(view, "_export_plan", failing_plan)
    session.close()
    rows = list(csv.reader(io.StringIO(client.get(EXPORT).get_data(as_text=True))))
    assert rows[-1] == [FAILED_LINE]
    assert len(rows) == 1 + 3 + 1  # header, the rows sent, the error line
    assert "export stopped after 3 rows" in caplog.text
    assert _checked_out() == 0


@pytest.fixture
def small_pool(migrated_app: Flask, app: Flask) -> Iterator[tuple[Flask, int]]:
    """The test's database through waitress with a pool of 2 + 0 and a one-second wait."""
    small = make_app(
        migrated_app.config["SQLALCHEMY_DATABASE_URI"],
        database={"pool_size": 2, "max_overflow": 0, "pool_timeout": 1},
    )
    with small.app_context():
        make_operator("exporter", Role.EDITOR)
        PostFactory.create_batch(200)
        db.session.commit()
        db.session.remove()
    with serving(small, name="waitress-export") as port:
        yield small, port
    with small.app_context():
        db.engine.dispose()
        pool_monitor(small).monitor.dispose()


def _export(port: int, cookies: dict[str, str], *, drop: bool) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    try:
        connection.request("GET", EXPORT, headers={"Cookie": cookie})
        response = connection.getresponse()
        if drop:
            response.read(64)
        else:
            response.read()
        return response.status
    finally:
        connection.close()


def test_four_exporters_on_a_pool_of_two_leave_it_whole(small_pool):
    small, port = small_pool
    signed_in = Client(port)
    signed_in.sign_in("exporter")
    statuses: list[int] = []

    def exporter(number: int) -> None:
        for round_ in range(ROUNDS):
            statuses.append(_export(port, signed_in.cookies, drop=(number + round_) % 2 == 0))

    workers = [threading.Thread(target=exporter, args=(n,)) for n in range(EXPORTERS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert len(statuses) == EXPORTERS * ROUNDS
    assert set(statuses) <= {200, 503}, statuses
    assert 200 in statuses
    # Once the load ends the pool is whole: the next export and page are served at once.
    assert signed_in.request("GET", "/admin/post/").status == 200
    assert _export(port, signed_in.cookies, drop=False) == 200
    with small.app_context():
        assert _checked_out() == 0
