"""Waitress's own error answers in this app's form: ``application/problem+json`` on ``/api/``
paths, a short plain message elsewhere.

Waitress answers some requests before Flask sees them: a body over ``run.py``'s backstop
(``max_request_body_size``, further out than Flask's own 413), a request it cannot parse, a
failure inside the server. Its channel builds that answer with ``error_task_class``, so a
channel class of ours, given to the server where it is made, answers instead. It writes
from what the request's headers said: the body is never read.
"""

from __future__ import annotations

import json
from typing import Any

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer
from waitress.task import ErrorTask

from admin_app.api.problems import MIMETYPE, document

# What a person or script should read, where waitress's own words would say little.
DETAILS = {413: "the request body is larger than this server accepts"}


class ProblemErrorTask(ErrorTask):
    """The answer to a request waitress refused, in the form its path calls for."""

    def execute(self) -> None:
        error, path = self.request.error, getattr(self.request, "path", "") or ""
        detail = DETAILS.get(error.code, str(error.body))
        if path.startswith("/api/"):
            content_type = MIMETYPE
            body = json.dumps(document(error.code, detail, instance=path)).encode()
        else:
            content_type = "text/plain; charset=utf-8"
            body = f"{error.reason}: {detail}.\n".encode()
        self.status = f"{error.code} {error.reason}"
        self.response_headers.append(("Content-Type", content_type))
        self.set_close_on_finish()  # the rest of what was sent is never read
        self.content_length = len(body)
        self.write(body)


class ProblemChannel(HTTPChannel):
    error_task_class = ProblemErrorTask


def socket_map(server: Any) -> dict[Any, Any]:
    """The sockets ``server`` polls: what ``create_server`` returned is one server (``_map``)
    or, for a host with several addresses, a ``MultiSocketServer`` whose listeners share
    one map (``map``)."""
    return server._map if hasattr(server, "_map") else server.map  # type: ignore[no-any-return]


def listeners(server: Any) -> list[BaseWSGIServer]:
    """The listening sockets of ``server``, one per address."""
    return [d for d in socket_map(server).values() if isinstance(d, BaseWSGIServer)]


def answer_errors_in_our_form(server: Any) -> None:
    """Give every listening socket of ``server`` our channel class."""
    for listener in listeners(server):
        listener.channel_class = ProblemChannel
