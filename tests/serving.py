"""Serve an app with waitress in a background thread, and stop it without a stray thread error."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from waitress import create_server

from admin_app.api.backstop import answer_errors_in_our_form


@contextmanager
def serving(app: Flask, *, name: str, threads: int = 8, **options: Any) -> Iterator[int]:
    """Yield the port of a waitress server on 127.0.0.1 running ``app``; stop it afterwards.

    Served as run.py serves it: ``options`` go to waitress, whose own error answers are
    ours (api/backstop.py).

    Waitress has no stop for a server run in a thread: closing its sockets makes the loop's
    select() fail with EBADF. That error is the loop's end once we are stopping (as WebTest's
    StopableWSGIServer treats it); at any other time it is raised.
    """
    server: Any = create_server(app, host="127.0.0.1", port=0, threads=threads, **options)
    answer_errors_in_our_form(server)
    stopping = threading.Event()

    def run() -> None:
        try:
            server.run()
        except OSError:
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    try:
        yield server.effective_port
    finally:
        stopping.set()
        server.task_dispatcher.shutdown(timeout=10)  # running requests finish first
        server.close()
        thread.join(timeout=5)
