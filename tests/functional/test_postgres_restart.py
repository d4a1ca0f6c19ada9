"""A PostgreSQL restart under 8 editors saving through waitress: every failed request is a 503
with Retry-After, the errors last no longer than the restart (+1 s), and no acknowledged
save is lost. The cluster is the test's own (initdb in a temp dir, its own port)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text

from admin_app.database import pool_monitor
from admin_app.extensions import db
from admin_app.models import AuditEntry, Post, Role
from tests.conftest import make_app, make_operator
from tests.factories import PostFactory
from tests.functional.test_pool_exhaustion import Client
from tests.functional.test_pool_processes import _free_port
from tests.serving import serving
from tests.waiting import wait_until

EDITORS = 8
BOUND_S = 120  # only so a broken run cannot hang the suite
PROGRESS = "the editors kept making progress"


def _as_postgres(*command: str) -> subprocess.CompletedProcess[str]:
    runner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*runner, *command], check=True, capture_output=True, text=True)


def _binary(name: str) -> str:
    found = shutil.which(name) or next(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), None)
    if found is None:
        message = f"{name} is needed for a scratch PostgreSQL cluster"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return str(found)


@pytest.fixture
def cluster() -> Iterator[dict[str, Any]]:
    """A PostgreSQL cluster of the test's own, started on a free port; removed afterwards."""
    # Not under pytest's tmp_path: the postgres user cannot enter root's private directories.
    root = Path(tempfile.mkdtemp(prefix="admin_app-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")  # initdb refuses to run as root
    data, port = root / "data", _free_port()
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    ctl = [_binary("pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-o", options, "-w"]
    try:
        _as_postgres(
            _binary("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )
        _as_postgres(*ctl, "start")
        _create_database(port, "restart")
        yield {"url": f"postgresql://postgres@127.0.0.1:{port}/restart", "ctl": ctl}
    finally:
        if (data / "postmaster.pid").exists():
            _as_postgres(*ctl[:3], "stop", "-m", "immediate", "-w")
        shutil.rmtree(root, ignore_errors=True)


def _create_database(port: int, name: str) -> None:
    admin = create_engine(
        f"postgresql+psycopg2://postgres@127.0.0.1:{port}/postgres", isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


@dataclass
class Editor:
    """One editor saving their own post again and again, keeping score."""

    port: int
    name: str
    post_id: str
    acknowledged: list[str] = field(default_factory=list)
    failures: list[tuple[float, int, dict[str, str]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.client = Client(self.port)
        self.client.sign_in(self.name)  # before the restart; the session cookie carries on

    def save(self, number: int) -> None:
        client = self.client
        path = f"/admin/post/edit/?id={self.post_id}"
        form = client.request("GET", path)
        if form.status != 200:
            self.failures.append((time.monotonic(), form.status, form.headers))
            return
        page = form.body.decode()
        fields = dict(
            re.findall(r'name="(csrf_token|seen_version)" type="hidden" value="([^"]*)"', page)
        )
        author = re.search(r'name="author"[^>]*value="([^"]+)"', page) or re.search(
            r'data-json="\[&#34;([0-9a-f-]+)', page
        )
        title = f"{self.name} save {number}"
        data = {**fields, "title": title, "body": "text"}
        if author:
            data["author"] = author.group(1)
        reply = client.request("POST", path, data)
        if reply.status == 302:
            self.acknowledged.append(title)
        else:
            self.failures.append((time.monotonic(), reply.status, reply.headers))


@pytest.fixture
def served(cluster: dict[str, Any]) -> Iterator[tuple[Flask, int, list[Editor]]]:
    app = make_app(
        cluster["url"],
        database={"pool_size": 10, "max_overflow": 5, "pool_timeout": 5, "connect_timeout": 2},
    )
    with app.app_context():
        upgrade()
        posts = []
        for number in range(EDITORS):
            make_operator(f"editor{number}", Role.EDITOR)
            posts.append(str(PostFactory(title=f"post {number}").id))
        db.session.commit()
        db.session.remove()
    with serving(app, name="waitress-restart", threads=EDITORS) as port:
        yield app, port, [Editor(port, f"editor{n}", posts[n]) for n in range(EDITORS)]
    with app.app_context():
        db.engine.dispose()
        pool_monitor(app).monitor.dispose()


def test_a_restart_under_eight_editors_loses_nothing_and_answers_503(served, cluster):
    app, _, editors = served
    stop = threading.Event()

    def work(editor: Editor) -> None:
        number = 0
        while not stop.is_set():
            editor.save(number)
            number += 1

    threads = [threading.Thread(target=work, args=(e,)) for e in editors]
    for thread in threads:
        thread.start()
    try:
        wait_until(
            lambda: all(len(e.acknowledged) >= 3 for e in editors), PROGRESS, bound_s=BOUND_S
        )
        started = time.monotonic()
        _as_postgres(*cluster["ctl"], "restart", "-m", "fast")
        restart_s = time.monotonic() - started
        before = sum(len(e.acknowledged) for e in editors)
        wait_until(
            lambda: sum(len(e.acknowledged) for e in editors) >= before + 3 * EDITORS,
            PROGRESS,
            bound_s=BOUND_S,
        )
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=BOUND_S)

    failures = [f for e in editors for f in e.failures]
    assert all(status == 503 for _, status, _ in failures), sorted({s for _, s, _ in failures})
    assert all(headers.get("Retry-After", "").isdigit() for _, _, headers in failures)
    if failures:
        window = max(t for t, _, _ in failures) - min(t for t, _, _ in failures)
        assert window <= restart_s + 1, (window, restart_s)
    with app.app_context():
        for editor in editors:
            saved = db.session.get(Post, editor.post_id)
            assert saved.title == editor.acknowledged[-1]
            audited = {
                entry.changes["title"][1]
                for entry in db.session.scalars(
                    select(AuditEntry).where(AuditEntry.entity_id == editor.post_id)
                )
                if "title" in (entry.changes or {})
            }
            assert set(editor.acknowledged) <= audited, "an acknowledged save is not audited"
        db.session.remove()
    print(
        f"\nrestart {restart_s:.2f} s; {sum(len(e.acknowledged) for e in editors)} "
        f"acknowledged saves, {len(failures)} x 503"
    )
