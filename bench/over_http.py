"""Requests per second through one waitress, at a fixed concurrency: a list page and hello.

The server runs in its own process (as in production, one waitress with its threads), the
clients in this one: ``concurrency`` threads, each on its own keep-alive connection, asking
for the same path for a fixed time. Rounds alternate the paths, so both see the same noise.
"""

from __future__ import annotations

import http.client
import multiprocessing
import socket
import statistics
import threading
import time
from typing import Any

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

HELLO = "/hello/"
THREADS = 8  # config.toml's server.threads


def _serve(url: str, port: int, ready: Any) -> None:
    from waitress import create_server

    from admin_app import create_app
    from admin_app.serving import prepare_to_serve

    app = create_app({"database": {"url": url}, "app": {"secret_key": "bench"}})
    app.config["WTF_CSRF_ENABLED"] = False
    hello = Flask("hello")
    hello.add_url_rule("/", "hello", lambda: "Hello, world!")
    both = DispatcherMiddleware(app.wsgi_app, {HELLO.rstrip("/"): hello})
    server = create_server(both, host="127.0.0.1", port=port, threads=THREADS, ident="bench")
    prepare_to_serve()  # as run.py does
    ready.set()
    server.run()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """Our app and hello-world on one waitress in a child process, stopped on exit."""

    def __init__(self, url: str) -> None:
        self.port = _free_port()
        context = multiprocessing.get_context("spawn")
        ready = context.Event()
        self.process = context.Process(target=_serve, args=(url, self.port, ready), daemon=True)
        self.process.start()
        if not ready.wait(60):
            raise SystemExit("waitress did not start")

    def connect(self) -> http.client.HTTPConnection:
        for _ in range(100):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                connection.connect()
                return connection
            except ConnectionRefusedError:
                time.sleep(0.05)  # the child is still binding its socket
        raise SystemExit("waitress does not accept connections")

    def sign_in(self, username: str, password: str) -> str:
        """The session cookie of a signed-in operator."""
        connection = self.connect()
        body = f"username={username}&password={password.replace(' ', '+')}"
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        connection.request("POST", "/login", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        cookie = response.getheader("Set-Cookie") or ""
        connection.close()
        if response.status != 302 or not cookie:
            raise SystemExit(f"sign-in over HTTP failed: {response.status}")
        return cookie.split(";", 1)[0]

    def stop(self) -> None:
        self.process.terminate()
        self.process.join(10)


def rate(server: Server, path: str, cookie: str, *, seconds: float, concurrency: int) -> float:
    """Answers per second over ``seconds``, from ``concurrency`` clients asking back to back."""
    done = [0] * concurrency
    failed: list[str] = []
    deadline = time.perf_counter() + seconds

    def client(n: int) -> None:
        connection = server.connect()
        while time.perf_counter() < deadline:
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                failed.append(f"{path}: {response.status}")
                return
            done[n] += 1
        connection.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if failed:
        raise SystemExit(failed[0])
    return sum(done) / (time.perf_counter() - started)


def measure(
    url: str,
    paths: dict[str, str],
    credentials: tuple[str, str],
    *,
    rounds: int,
    seconds: float,
    concurrency: int = 4,
) -> dict[str, dict[str, Any]]:
    """Median and lowest req/s per named path, the paths taking turns within each round."""
    server = Server(url)
    try:
        cookie = server.sign_in(*credentials)
        named = {**paths, "hello world": HELLO}
        for path in named.values():  # warm up: first requests compile templates and queries
            rate(server, path, cookie, seconds=min(seconds, 1.0), concurrency=concurrency)
        rates: dict[str, list[float]] = {name: [] for name in named}
        for _ in range(rounds):
            for name, path in named.items():
                rates[name].append(
                    rate(server, path, cookie, seconds=seconds, concurrency=concurrency)
                )
    finally:
        server.stop()
    return {
        name: {
            "req_per_s": statistics.median(values),
            "min_req_per_s": min(values),
            "concurrency": concurrency,
            "path": named[name],
        }
        for name, values in rates.items()
    }
