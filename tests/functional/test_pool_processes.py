"""Two app processes against one PostgreSQL database: the server view shows them both.

Each process names its connections ``admin_app@<host>:<pid>`` (its monitor engine adds
``:monitor``); the pool panel's server view, read from either process, lists both.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask_migrate import upgrade

from admin_app.database import pool_monitor
from admin_app.extensions import db
from admin_app.models import Role
from tests.conftest import make_app, make_operator, postgres_url
from tests.functional.test_pool_exhaustion import Client

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv" / "bin" / "python"
STATS = "/admin/pool/stats.json"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_serving(process: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            pytest.fail(f"run.py exited with {process.returncode}:\n{output[-2000:]}")
        try:
            if Client(port).request("GET", "/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail(f"run.py did not answer on port {port} within 20 s")


@pytest.fixture
def two_processes() -> Iterator[list[tuple[int, int]]]:
    """Two ``run.py`` processes on one migrated database; yields (pid, port) pairs."""
    url = postgres_url("pool_")
    app = make_app(url)
    with app.app_context():
        upgrade()
        make_operator("viewer", Role.VIEWER)
        db.session.remove()
        db.engine.dispose()
        pool_monitor(app).monitor.dispose()
    processes: list[tuple[subprocess.Popen[bytes], int]] = []
    try:
        for _ in range(2):
            port = _free_port()
            env = {**os.environ, "DATABASE_URL": url, "PORT": str(port), "SECRET_KEY": "x"}
            process = subprocess.Popen(
                [str(PYTHON if PYTHON.exists() else sys.executable), "run.py"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            processes.append((process, port))
        for process, port in processes:
            _wait_until_serving(process, port)
        yield [(process.pid, port) for process, port in processes]
    finally:
        for process, _ in processes:
            process.terminate()
        for process, _ in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
            if process.stdout:
                process.stdout.close()


def test_server_view_from_either_process_lists_both(two_processes: list[tuple[int, int]]) -> None:
    host = socket.gethostname()
    names = {pid: f"admin_app@{host}:{pid}"[:63] for pid, _ in two_processes}
    clients = []
    for _, port in two_processes:
        # /readyz opens the monitor connection; signing in uses the app's own pool.
        assert Client(port).request("GET", "/readyz").status == 200
        client = Client(port)
        client.sign_in("viewer")
        clients.append(client)

    for (pid, _), client in zip(two_processes, clients, strict=True):
        reply = client.request("GET", STATS)
        assert reply.status == 200, reply.body[:300]
        server = reply.json()["server"]
        assert server["engine"] == "postgresql", server
        seen = {row["application_name"] for row in server["sessions"]}
        for other_pid, name in names.items():
            assert name in seen, f"process {pid} does not see process {other_pid}: {seen}"
            assert f"{name}:monitor"[:63] in seen, seen
        for row in server["sessions"]:
            assert row["sessions"] >= 1
            assert row["state"] in {"idle", "active", "idle in transaction", "waiting on a lock"}
        assert server["total_connections"] >= 4
