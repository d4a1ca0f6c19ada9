"""The API as a script author first meets it: served by waitress (run.py), where a body over
the limit could be refused before Flask answers, and the README's session on the demo data."""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from admin_app.models import Role
from seeds.demo import seed_demo
from tests.functional.api_client import PROBLEM, token_for
from tests.functional.test_pool_processes import PYTHON, ROOT, _free_port, _wait_until_serving
from tests.serving import serving

LIMIT = 1000
BACKSTOP = LIMIT * 4  # run.BODY_BACKSTOP: waitress refuses from here on, before Flask


@pytest.fixture
def served(app: Any) -> Iterator[int]:
    """run.py on the test's database with a small body limit; yields its port."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "PORT": str(port),
        "SECRET_KEY": "x",
        "SERVER_MAX_BODY_BYTES": str(LIMIT),
    }
    python = str(PYTHON if PYTHON.exists() else sys.executable)
    process = subprocess.Popen(
        [python, "run.py"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        _wait_until_serving(process, port)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stdout:
            process.stdout.close()


def _post(port: int, path: str, body: bytes, token: str) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.headers.get("Content-Type", ""), response.read()
    finally:
        connection.close()


def test_a_body_over_the_limit_is_a_problem_document_from_the_server(client, served):
    token = token_for(client, Role.EDITOR).secret
    body = json.dumps({"name": "x", "pad": "y" * (2 * LIMIT)}).encode()
    status, content_type, answer = _post(served, "/api/v1/tags", body, token)
    assert status == 413
    assert content_type.startswith(PROBLEM)
    assert json.loads(answer)["status"] == 413
    small = json.dumps({"name": "fits"}).encode()
    assert _post(served, "/api/v1/tags", small, token)[0] == 201


def _headers_only(port: int, path: str, length: int) -> tuple[int, dict[str, str], bytes]:
    """Send a POST's headers claiming ``length`` bytes of body, send none of it, and read the
    answer: it can only come from a server that did not wait for the body."""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(head.encode())
        answer = b""
        while chunk := connection.recv(65536):  # the server closes after its answer
            answer += chunk
    top, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = top.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}
    return int(status_line.split()[1]), headers, body


@pytest.fixture(params=["run.py", "in this process"])
def backstopped(request: Any, app: Any) -> Iterator[int]:
    """A server that refuses bodies over BACKSTOP itself: run.py, or waitress in a thread
    set up the same way (what coverage can see)."""
    if request.param == "run.py":
        yield request.getfixturevalue("served")
        return
    with serving(app, name="backstop", max_request_body_size=BACKSTOP) as port:
        yield port


def test_a_body_over_the_backstop_is_a_problem_document_too_and_never_read(backstopped):
    status, headers, body = _headers_only(backstopped, "/api/v1/tags", 1_000_000_000)
    assert status == 413
    assert headers["content-type"] == PROBLEM
    assert headers["connection"] == "close"
    answer = json.loads(body)
    assert {k: answer[k] for k in ("type", "title", "status")} == {
        "type": "/api/v1/problems/request-entity-too-large",
        "title": "Content too large",
        "status": 413,
    }
    assert answer["detail"] == "the request body is larger than this server accepts"
    assert answer["instance"] == "/api/v1/tags"


def test_outside_the_api_the_backstop_answers_a_short_plain_message(backstopped):
    status, headers, body = _headers_only(backstopped, "/admin/tag/new/", BACKSTOP + 1)
    assert status == 413
    assert headers["content-type"].startswith("text/plain")
    assert body.decode() == (
        "Request Entity Too Large: the request body is larger than this server accepts.\n"
    )


def _readme_curl_bodies() -> list[dict[str, Any]]:
    """The JSON bodies of the README's curl session, in the order it sends them."""
    readme = (ROOT / "README.md").read_text()
    session = readme.split("## The API", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    return [json.loads(body) for body in re.findall(r"-d '([^']*)'", session)]


def test_the_readme_curl_session_runs_on_the_demo_data(client, session):
    # Its tag names once clashed with a demo tag: the rename answered 409, not the 200 shown.
    seed_demo(session)
    session.commit()
    api = token_for(client, Role.EDITOR)
    create, rename = _readme_curl_bodies()
    made = api.post("tags", create)
    assert made.status_code == 201, made.get_json()
    url = made.headers["Location"].removeprefix("/api/v1/")
    renamed = api.patch(url, rename, if_match=made.headers["ETag"])
    assert renamed.status_code == 200, renamed.get_json()
    assert renamed.headers["ETag"] == '"2"'
    assert api.delete(url, '"2"').status_code == 204
    assert api.post(f"{url}/restore").status_code == 200
