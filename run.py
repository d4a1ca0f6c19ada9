"""Serve admin_app with waitress, as config.toml (or the environment) says.

SIGTERM or SIGINT stops it gracefully: no new connections are accepted, requests already
in flight finish (within ``server.shutdown_grace_seconds``), then the process exits 0.
"""

from __future__ import annotations

import logging
import signal
import sys
import time
from typing import Any

from waitress import create_server, wasyncore
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer

from admin_app import create_app
from admin_app.api.backstop import answer_errors_in_our_form, listeners, socket_map
from admin_app.config import ConfigError, settings_of
from admin_app.database import check_reachable, warn_if_pool_small
from admin_app.extensions import db
from admin_app.serving import prepare_to_serve

log = logging.getLogger("admin_app.run")
LOOP_S = 0.1  # how often the serving loop looks at the shutdown flag
BODY_BACKSTOP = 4  # waitress buffers (to a file) up to this many times max_body_bytes


class GracefulServer:
    """A waitress server whose loop this class runs, so a signal can end it cleanly.

    ``server`` is what ``create_server`` returned: one server or, for a host that resolves
    to several addresses (``localhost`` as IPv4 and IPv6), a ``MultiSocketServer``.
    """

    def __init__(self, server: Any, *, grace_s: float) -> None:
        self.server, self.grace_s = server, grace_s
        self.sockets = socket_map(server)
        self.stopping_since: float | None = None

    @property
    def listeners(self) -> list[BaseWSGIServer]:
        return listeners(self.server)

    def urls(self) -> list[str]:
        """Where the console answers, one URL per listening address."""
        found = []
        for listener in self.listeners:
            host = listener.effective_host
            host = f"[{host}]" if ":" in str(host) else host
            found.append(f"http://{host}:{listener.effective_port}/admin/")
        return found

    def stop(self, signum: int, frame: Any) -> None:
        # A signal handler only flags: the loop, between two polls, does the rest.
        if self.stopping_since is None:
            self.stopping_since = time.monotonic()
            for listener in self.listeners:
                listener.accepting = False  # the listening socket is no longer polled
            log.info(
                "%s: accepting no new connections; finishing %d in-flight request(s) within %s s",
                signal.Signals(signum).name,
                self.in_flight(),
                self.grace_s,
            )

    def in_flight(self) -> int:
        """Requests being handled, or whose answer is still being written."""
        channels = [c for c in self.sockets.values() if isinstance(c, HTTPChannel)]
        return sum(1 for c in channels if c.requests or c.total_outbufs_len)

    def serve(self) -> None:
        while not self._finished():
            wasyncore.loop(timeout=LOOP_S, map=self.sockets, count=1)
        left = self.in_flight()
        if left:
            log.warning("grace period over: %d request(s) cut off", left)
        else:
            log.info("every in-flight request finished; stopped")
        self.server.task_dispatcher.shutdown(timeout=5)
        wasyncore.close_all(self.sockets)

    def _finished(self) -> bool:
        if self.stopping_since is None:
            return False
        over = time.monotonic() - self.stopping_since >= self.grace_s
        return over or self.in_flight() == 0


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        app = create_app()
        with app.app_context():
            check_reachable(db.engine)
    except ConfigError as exc:
        print(f"admin_app: {exc.message}", file=sys.stderr)
        return 2
    settings = settings_of(app)
    warn_if_pool_small(settings)
    server = settings["server"]
    made = create_server(
        app,
        host=server["host"],
        port=server["port"],
        threads=server["threads"],
        connection_limit=server["connection_limit"],
        # Flask refuses a body over max_body_bytes with the page or problem+json of a 413;
        # waitress refuses one over this backstop, further out, before reading it, and
        # api.backstop words that answer as Flask would (problem+json on /api/).
        max_request_body_size=server["max_body_bytes"] * BODY_BACKSTOP,
        channel_timeout=server["channel_timeout"],
        ident="admin_app",
    )
    answer_errors_in_our_form(made)
    graceful = GracefulServer(made, grace_s=server["shutdown_grace_seconds"])
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, graceful.stop)
    for url in graceful.urls():
        print(f"admin_app serving at {url}", flush=True)
    prepare_to_serve()
    graceful.serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
