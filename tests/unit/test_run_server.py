"""run.py's graceful server on a host with several addresses (``localhost`` as IPv4 and
IPv6): waitress then returns a MultiSocketServer, which has neither ``_map`` nor
``effective_port``. Two loopback addresses stand in for the two families, so the test runs
on a machine without IPv6."""

from __future__ import annotations

import http.client
import signal
import threading
from typing import Any

from waitress import create_server

from run import GracefulServer

BOUND_S = 30  # only so a broken server cannot hang the run


def _hello(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]


def _get(url_host: str, port: int) -> int:
    connection = http.client.HTTPConnection(url_host, port, timeout=BOUND_S)
    try:
        connection.request("GET", "/")
        return connection.getresponse().status
    finally:
        connection.close()


def test_a_server_on_two_addresses_serves_on_both_then_stops_cleanly():
    made = create_server(_hello, listen="127.0.0.1:0 127.0.0.2:0", threads=2)
    graceful = GracefulServer(made, grace_s=5)
    listeners = graceful.listeners
    assert len(listeners) == 2
    urls = graceful.urls()
    assert [u.split(":")[1] for u in urls] == ["//127.0.0.1", "//127.0.0.2"]
    serving = threading.Thread(target=graceful.serve, daemon=True)
    serving.start()
    for listener in listeners:
        assert _get(str(listener.effective_host), int(listener.effective_port)) == 200

    graceful.stop(signal.SIGTERM, None)
    serving.join(BOUND_S)

    assert not serving.is_alive()
    assert graceful.sockets == {}  # every socket closed, the listeners' too
