"""Every URL rule of the app, for every role: who gets in, and that POSTs need the CSRF token.

Roles are read from the views' own declarations (``@requires``, ``role_required``, ``public``):
a route that declares none fails test_every_route_declares_who_may_use_it.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask_admin import BaseView, expose
from sqlalchemy import func, select

from admin_app.admin.access import AccessMixin, requires
from admin_app.auth.roles import PUBLIC, declared_role
from admin_app.database import pool_monitor
from admin_app.extensions import db
from admin_app.models import DOMAIN_MODELS, Operator, Role
from admin_app.soft_delete import with_deleted
from seeds.demo import seed_demo
from tests.conftest import csrf_token, make_app, make_operator, sign_in

CONTENT = ("user", "profile", "post", "tag", "comment", "task")
ROLES = (None, Role.VIEWER, Role.EDITOR, Role.ADMIN)
# What the product promises, whatever the views declare: checked against the declarations.
PROMISED = {
    "auth.login": PUBLIC,
    "auth.second_factor": PUBLIC,
    "account.index": Role.VIEWER,
    "account.sign_out_everywhere": Role.VIEWER,
    "healthz": PUBLIC,
    "readyz": PUBLIC,
    "admin.index": Role.VIEWER,
    "api.list_records": Role.VIEWER,
    "pool.stats": Role.VIEWER,
    "trash.restore": Role.EDITOR,
    "trash.purge": Role.ADMIN,
    "trash.retention": Role.ADMIN,
    "audit.revert": Role.EDITOR,
    "audit.undo": Role.EDITOR,
    "audit.as_of": Role.VIEWER,
    "favicon": PUBLIC,
    "preferences.index": Role.VIEWER,
    **{f"{name}.create_view": Role.EDITOR for name in CONTENT},
    **{f"{name}.delete_confirm": Role.EDITOR for name in CONTENT},
    **{f"{name}_trash.purge_selected": Role.ADMIN for name in CONTENT},
}


def _policy(app: Any) -> dict[str, Role | str | None]:
    """Every URL rule's declared role, read from the views and routes themselves."""
    return {rule.endpoint: declared_role(app, rule.endpoint) for rule in app.url_map.iter_rules()}


def _url(rule: Any) -> str:
    values = {
        "batch_id": str(uuid.uuid4()),
        "export_type": "csv",
        "model_name": "posts",
        "filename": "none.css",
        "entry_id": str(uuid.uuid4()),
        "entity_type": "post",
        "entity_id": str(uuid.uuid4()),
        "transaction_id": str(uuid.uuid4()),
        "job_id": str(uuid.uuid4()),
    }
    path = rule.rule
    for name in rule.arguments:
        path = path.replace(f"<{name}>", values[name]).replace(f"<path:{name}>", values[name])
    return path


def _routes(app: Any) -> list[tuple[str, str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted({"GET", "POST"} & set(rule.methods)):
            found.append((rule.endpoint, method, _url(rule)))
    return found


def test_every_route_declares_who_may_use_it(app):
    missing = sorted(endpoint for endpoint, role in _policy(app).items() if role is None)
    assert missing == [], f"routes that declare no role: {missing}"


def test_declarations_keep_the_promised_roles(app):
    policy = _policy(app)
    assert {endpoint: policy.get(endpoint) for endpoint in PROMISED} == PROMISED
    for endpoint, role in policy.items():
        if endpoint.startswith("operator.") or "purge" in endpoint:
            assert role == Role.ADMIN, endpoint


# What any operator may change: their own session and account, never anyone else's data.
SELF_SERVICE = (
    "auth.login",
    "auth.logout",
    "auth.second_factor",
    "account.",
    "preferences.",
)


def test_nothing_a_viewer_may_use_changes_data(app):
    for rule in app.url_map.iter_rules():
        role = declared_role(app, rule.endpoint)
        if "POST" in rule.methods and not rule.endpoint.startswith(SELF_SERVICE):
            assert role in (Role.EDITOR, Role.ADMIN), f"{rule.endpoint} accepts POST as {role}"


class ForgetfulView(AccessMixin, BaseView):
    @expose("/")
    @requires(Role.VIEWER)
    def index(self) -> str:
        return "declared"

    @expose("/forgot/")
    def forgot(self) -> str:
        return "nobody said who may see this"


def test_an_endpoint_that_declares_no_role_is_refused_and_named(app):
    other = make_app(app.config["SQLALCHEMY_DATABASE_URI"])
    other.test_client_class = app.test_client_class
    other.extensions["admin_app.console"].add_view(ForgetfulView(endpoint="forgetful"))
    assert declared_role(other, "forgetful.forgot") is None
    assert declared_role(other, "forgetful.index") == Role.VIEWER
    make_operator("admin-forgetful", Role.ADMIN)
    client = other.test_client()
    try:
        assert sign_in(client, "admin-forgetful").status_code == 302
        assert client.get("/admin/forgetful/").status_code == 200
        assert client.get("/admin/forgetful/forgot/").status_code == 403
    finally:
        with other.app_context():
            db.engine.dispose()
            pool_monitor(other).monitor.dispose()


def _client_for(app: Any, role: Role | None) -> Any:
    client = app.test_client()
    if role is not None:
        make_operator(f"{role.value}-matrix", role)
        assert sign_in(client, f"{role.value}-matrix").status_code == 302
    return client


def _allowed(needed: Role | str | None, role: Role | None) -> bool:
    if needed == PUBLIC:
        return True
    return needed is not None and role is not None and role.rank >= Role(needed).rank


# They end the session under test: the matrix asks them last, each on a session of its own.
SESSION_ENDERS = ("auth.logout", "account.sign_out_everywhere")


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "anonymous")
def test_role_matrix(app, role):
    client = _client_for(app, role)
    token = csrf_token(client, "/login" if role is None else "/admin/")
    failures = []
    policy = _policy(app)
    routes = [r for r in _routes(app) if not r[0].endswith("static")]  # public by design
    routes.sort(key=lambda route: route[0] in SESSION_ENDERS)
    for endpoint, method, url in routes:
        if endpoint in SESSION_ENDERS:
            if role is not None and client.get("/admin/").status_code == 302:
                assert sign_in(client, f"{role.value}-matrix").status_code == 302
            token = csrf_token(client, "/login" if role is None else "/admin/")
        status = _request(client, method, url, token)
        verdict = _judge(policy[endpoint], role, status, url)
        if verdict:
            failures.append(f"{method} {url} as {role or 'anonymous'}: {status} ({verdict})")
    assert failures == []


def _request(client: Any, method: str, url: str, token: str) -> int:
    if method == "GET":
        return int(client.get(url).status_code)
    return int(client.post(url, data={"csrf_token": token}).status_code)


def _judge(needed: Role | str | None, role: Role | None, status: int, url: str) -> str:
    if status >= 500:
        return "server error"
    if _allowed(needed, role):
        return "refused" if status in (401, 403) else ""
    if role is None:
        return "" if status in (302, 401) else "anonymous not sent to sign in"
    return "" if status == 403 else f"needs {needed}"


def _snapshot(session: Any) -> dict[str, tuple[int, int]]:
    session.rollback()
    counts = {}
    for model in (*DOMAIN_MODELS, Operator):
        total = select(func.count()).select_from(model)
        stmt = with_deleted(total) if hasattr(model, "deleted_at") else total
        trashed = (
            session.scalar(with_deleted(total.where(model.deleted_at.is_not(None))))
            if hasattr(model, "deleted_at")
            else 0
        )
        counts[model.__tablename__] = (session.scalar(stmt), trashed)
    return counts


def test_every_post_without_csrf_token_is_refused_and_changes_nothing(app, session):
    seed_demo(session)
    session.commit()
    client = _client_for(app, Role.ADMIN)
    before = _snapshot(session)
    some_id = {
        name: str(session.scalars(select(model.id)).first())
        for name, model in zip(CONTENT, DOMAIN_MODELS, strict=False)
    }
    refused = []
    for endpoint, method, url in _routes(app):
        if method != "POST":
            continue
        view = endpoint.split(".")[0].removesuffix("_trash")
        record = some_id.get(view, str(uuid.uuid4()))
        data = {
            "id": record,
            "rowid": record,
            "action": "delete",
            "batch": str(uuid.uuid4()),
            "confirm": "yes",
            "username": "x",
            "password": "y",
            "title": "changed",
        }
        status = client.post(url, data=data).status_code
        if status != 400:
            refused.append(f"POST {url} without token: {status}")
    assert refused == []
    assert _snapshot(session) == before
