"""Every error status has a page in the console's frame, JSON on API paths, and a favicon."""

import pytest
from flask import abort
from werkzeug.exceptions import TooManyRequests

from admin_app.auth.roles import public
from admin_app.extensions import db
from admin_app.models import Role
from tests.conftest import make_app, make_operator, sign_in

STATUSES = (400, 403, 404, 405, 413, 429, 500, 503)


def _fail(status: int) -> None:
    if status == 429:
        raise TooManyRequests(retry_after=30)
    if status == 500:
        raise RuntimeError("boom: SELECT secret FROM vault")
    abort(status)


@pytest.fixture
def failing(app):
    """A client of an app with a route per status, reached as a real failure reaches it."""
    other = make_app(app.config["SQLALCHEMY_DATABASE_URI"])
    other.test_client_class = app.test_client_class
    other.add_url_rule("/admin/fail/<int:status>", "fail", public(_fail))
    other.add_url_rule("/api/v1/fail/<int:status>", "api_fail", public(_fail))
    other.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the handler answers
    client = other.test_client()

    def sign_in_as(role: Role) -> None:
        make_operator(f"{role.value}-failing", role)
        assert sign_in(client, f"{role.value}-failing").status_code == 302

    client.sign_in_as = sign_in_as
    yield client
    with other.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("status", STATUSES)
def test_signed_in_operators_get_the_console_frame(failing, status):
    failing.sign_in_as(Role.VIEWER)
    response = failing.get(f"/admin/fail/{status}")
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert 'class="navbar' in page
    assert "Sign out" in page
    assert f'<small class="text-muted">{status}</small>' in page
    assert "SELECT" not in page
    assert "Traceback" not in page


@pytest.mark.parametrize("status", STATUSES)
def test_anonymous_visitors_get_a_plain_page_with_a_way_in(failing, status):
    response = failing.get(f"/admin/fail/{status}")
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert 'href="/login"' in page
    assert "SELECT" not in page


@pytest.mark.parametrize("status", STATUSES)
def test_api_paths_answer_json(failing, status):
    response = failing.get(f"/api/v1/fail/{status}")
    assert response.status_code == status
    assert response.is_json
    assert response.json["status"] == status
    assert "SELECT" not in response.get_data(as_text=True)


def test_an_unknown_address_in_the_console_keeps_the_navigation(client, as_role):
    as_role(Role.VIEWER)
    response = client.get("/admin/no-such-page/")
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)
    assert "Dashboard" in response.get_data(as_text=True)


def test_a_method_the_address_does_not_take_is_405_with_allow(client, as_role):
    as_role(Role.VIEWER)
    response = client.put("/admin/")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_the_favicon_is_served_and_linked(client, as_role):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/svg+xml"
        assert b"<svg" in response.get_data()
    as_role(Role.VIEWER)
    assert 'rel="icon"' in client.get("/admin/").get_data(as_text=True)


def test_retry_after_is_kept(failing):
    failing.sign_in_as(Role.VIEWER)
    assert failing.get("/admin/fail/429").headers["Retry-After"] == "30"
    assert failing.get("/api/v1/fail/429").headers["Retry-After"] == "30"
