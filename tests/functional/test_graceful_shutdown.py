"""SIGTERM while requests are in flight: run.py stops accepting, lets all of them finish, and
exits 0. The slow requests wait for a file the test writes, not for a clock."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from tests.functional.test_pool_exhaustion import Client
from tests.functional.test_pool_processes import PYTHON, ROOT, _free_port, _wait_until_serving
from tests.waiting import wait_until

IN_FLIGHT = 8
BOUND_S = 60  # only so a broken server cannot hang the run

LAUNCHER = """
import os, sys
sys.path.insert(0, os.environ["APP_ROOT"])
from sqlalchemy import text
import run
from admin_app import create_app
from admin_app.auth.roles import public
from admin_app.extensions import db
from tests.waiting import wait_until

@public
def slow(n):
    open(os.path.join(os.environ["ENTERED_DIR"], n), "w").close()
    wait_until(lambda: os.path.exists(os.environ["RELEASE_FILE"]), "the test let requests finish")
    db.session.execute(text("SELECT 1"))
    return "done " + n

def with_slow_route(*args, **kwargs):
    app = create_app(*args, **kwargs)
    app.add_url_rule("/test-slow/<n>", "test_slow", slow)
    return app

run.create_app = with_slow_route
sys.exit(run.main())
"""


def _answers(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=0.5)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def test_sigterm_lets_every_in_flight_request_finish_then_exits_0(app, tmp_path: Path):
    entered, release, port = tmp_path / "entered", tmp_path / "release", _free_port()
    entered.mkdir()
    (tmp_path / "launch.py").write_text(LAUNCHER)
    env = {
        **os.environ,
        "APP_ROOT": str(ROOT),
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "PORT": str(port),
        "THREADS": str(IN_FLIGHT + 2),
        "SECRET_KEY": "x",
        "SERVER_SHUTDOWN_GRACE_SECONDS": str(BOUND_S),
        "ENTERED_DIR": str(entered),
        "RELEASE_FILE": str(release),
    }
    python = str(PYTHON if PYTHON.exists() else sys.executable)
    process = subprocess.Popen(
        [python, str(tmp_path / "launch.py")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    output: list[str] = []
    reader = threading.Thread(
        target=lambda: output.extend(line.decode() for line in iter(process.stdout.readline, b""))
    )
    reader.start()
    replies: dict[int, Any] = {}
    try:
        _wait_until_serving(process, port)
        workers = [
            threading.Thread(
                target=lambda n=n: replies.__setitem__(
                    n, Client(port).request("GET", f"/test-slow/{n}")
                )
            )
            for n in range(IN_FLIGHT)
        ]
        for worker in workers:
            worker.start()
        wait_until(lambda: len(list(entered.iterdir())) == IN_FLIGHT, "requests never arrived")

        process.send_signal(signal.SIGTERM)
        wait_until(lambda: any("accepting no new" in line for line in output), "no shutdown log")
        assert not _answers(port), "a new connection was served after SIGTERM"
        release.touch()
        for worker in workers:
            worker.join(timeout=BOUND_S)
        assert process.wait(timeout=BOUND_S) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        reader.join(timeout=10)
        process.stdout.close()
    assert sorted(replies) == list(range(IN_FLIGHT))
    assert all(r.status == 200 and r.body == f"done {n}".encode() for n, r in replies.items())
    log = "".join(output)
    assert f"SIGTERM: accepting no new connections; finishing {IN_FLIGHT}" in log
    assert "every in-flight request finished; stopped" in log
