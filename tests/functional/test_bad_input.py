"""A hostile client walks every URL rule as every role: bad input is a 4xx or a flash, never
a 500. Ids, numbers, pages, filters, search, NUL and CR/LF, invalid UTF-8, forms."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from admin_app.database import pool_monitor
from admin_app.extensions import db
from admin_app.models import Post, Role
from tests.conftest import csrf_token, make_app, make_operator, sign_in
from tests.factories import CommentFactory, PostFactory, ProfileFactory, TaskFactory

ROLES = (None, Role.VIEWER, Role.EDITOR, Role.ADMIN)
HUGE = "9" * 30
# Values for a path segment or an id: malformed, huge, negative, NUL, CR/LF, invalid UTF-8.
BAD_SEGMENTS = ("zz", "not-a-uuid", HUGE, "-" + HUGE, "%00", "a%0D%0Ab", "%FF%FE", "-1")
BAD_VALUES = ("zz", HUGE, "-" + HUGE, "' OR 1=1 --", "a\x00b", "-1", "1e400", "\r\nX: y")
BAD_QUERIES = (
    {"id": "zz", "page": "9" * 25, "page_size": "-1", "sort": HUGE, "desc": "zz"},
    {"id": HUGE, "page": "-5", "sort": "-3", "page_size": HUGE},
    {"id": "-1", "rowid": "zz", "batch": "zz", "with_parents": "1"},
    {"search": "a\x00b"},
    {"search": "%" * 50 + "' OR 1=1 --", "q": "a\x00b"},
    {"next": "/\r\nSet-Cookie: x=1", "url": "/\r\nLocation: http://evil.example/"},
    {"next": "%0d%0aX: y", "url": "//evil.example/"},
    {"published_at": "zz", "deleted_at": HUGE, "per_page": HUGE, "cursor": "zz"},
)
RAW_QUERIES = ("id=%FF%FE&search=%C3%28", "flt0_0=%FF&page=%FF", "next=%0D%0A%FF")
FORM_FIELDS = (
    "id", "rowid", "batch", "url", "next", "title", "body", "name", "username", "email",
    "first_name", "author", "tags", "post", "parent", "user", "assignee", "priority", "due_at",
    "done_at", "published_at", "bio", "website", "location", "role", "password",
    "new_password", "list_form_pk", "value", "query",
)  # fmt: skip
ACTIONS = ("delete", "restore", "purge", "deactivate")


def _client_for(app: Any, role: Role | None) -> Any:
    client = app.test_client()
    if role is not None:
        make_operator(f"{role.value}-hostile", role)
        assert sign_in(client, f"{role.value}-hostile").status_code == 302
    return client


def _paths(rule: Any) -> Iterator[str]:
    """The rule's path with each argument in turn given each bad segment."""
    good = {"export_type": "csv", "model_name": "posts", "entity_type": "post"}
    names = [name for name in rule.arguments if name != "filename"]
    if not names:
        yield rule.rule
        return
    for name in names:
        for bad in BAD_SEGMENTS:
            path = rule.rule
            for other in names:
                value = bad if other == name else good.get(other, "zz")
                path = path.replace(f"<{other}>", value)
            yield path


def _filter_queries(app: Any, endpoint: str) -> list[dict[str, str]]:
    """Every list filter of the view at once, for each bad value."""
    view = app.view_functions[endpoint]
    filters = getattr(getattr(view, "__self__", None), "_filters", None) or []
    if not filters:
        return []
    return [
        {f"flt{n}_{index}": bad for n, index in enumerate(range(len(filters)))}
        for bad in BAD_VALUES
    ]


def _gets(app: Any, rule: Any) -> Iterator[tuple[str, Any]]:
    """Each bad path alone; the first with every bad query string as well."""
    paths = list(_paths(rule))
    for path in paths:
        yield path, {}
    for query in (*BAD_QUERIES, *_filter_queries(app, rule.endpoint)):
        yield paths[0], query
    for raw in RAW_QUERIES:
        yield f"{paths[0]}?{raw}", {}


def _forms(token: str) -> Iterator[dict[str, Any]]:
    for number, bad in enumerate(BAD_VALUES):
        form = dict.fromkeys(FORM_FIELDS, bad)
        action = ACTIONS[number % len(ACTIONS)]
        yield form | {"csrf_token": token, "action": action, "confirm": "yes"}


def _walk(app: Any, client: Any, token: str) -> Iterator[tuple[str, int]]:
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("auth.logout", "static", "admin.static"):
            continue  # sign-out ends the session under test; static files are files
        if "GET" in rule.methods:
            for path, query in _gets(app, rule):
                status = client.get(path, query_string=query or None).status_code
                yield f"GET {path} {query!r}", status
        if "POST" in rule.methods:
            paths = list(_paths(rule))
            for path, form in zip(paths * len(BAD_VALUES), _forms(token), strict=False):
                status = client.post(path, data=form).status_code
                yield f"POST {path} {form['action']} {form['id']!r}", status


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "anonymous")
def test_no_bad_input_answers_a_server_error(app, session, trash, role):
    post = PostFactory()
    CommentFactory(post=post)
    TaskFactory(post=post)
    ProfileFactory()
    trash(PostFactory())
    session.commit()
    client = _client_for(app, role)
    token = csrf_token(client, "/login" if role is None else "/admin/")
    answered = list(_walk(app, client, token))
    errors = [f"{request}: {status}" for request, status in answered if status >= 500]
    print(f"\n{len(answered)} hostile requests as {role or 'anonymous'}, {len(errors)} >= 500")
    assert errors == []


def test_a_nul_byte_in_a_form_is_refused_and_nothing_is_stored(client, session, as_role):
    as_role(Role.EDITOR)
    token = csrf_token(client, "/admin/post/new/")
    response = client.post("/admin/post/new/", data={"title": "a\x00b", "csrf_token": token})
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Post)) == 0


@pytest.mark.parametrize("target", ["/\r\nSet-Cookie: evil=1", "/%0d%0aSet-Cookie: evil=1"])
def test_a_line_break_in_next_is_refused_not_sent_as_a_header(client, target):
    response = client.get("/login", query_string={"next": target})
    assert response.status_code in (200, 302, 400)
    assert "evil" not in str(response.headers)


def test_malformed_ids_find_nothing(client, session, as_role):
    as_role(Role.EDITOR)
    for path in ("/admin/user/details/?id=zz", f"/admin/post/edit/?id={HUGE}"):
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200
        assert "Record does not exist" in response.get_data(as_text=True)
    assert client.get("/admin/audit/transaction/not-a-uuid/").status_code == 404
    confirm = client.get("/admin/user/delete-confirm/?id=zz", follow_redirects=True)
    assert "no longer there" in confirm.get_data(as_text=True)


def test_bodies_over_the_configured_size_are_refused(migrated_app):
    small = make_app(
        migrated_app.config["SQLALCHEMY_DATABASE_URI"], server={"max_body_bytes": 1000}
    )
    try:
        assert small.config["MAX_CONTENT_LENGTH"] == 1000
        response = small.test_client().post("/login", data={"username": "x" * 5000})
        assert response.status_code == 413
    finally:
        with small.app_context():
            db.engine.dispose()
            pool_monitor(small).monitor.dispose()
