"""Every URL rule of the app, for every role: who gets in, and that POSTs need the CSRF token.

A new route that is not in POLICY fails test_every_route_has_a_policy: decide who may use it.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from admin_app.models import DOMAIN_MODELS, Operator, Role
from admin_app.soft_delete import with_deleted
from seeds.demo import seed_demo
from tests.conftest import csrf_token, make_operator, sign_in

ANYONE = "anyone"
CONTENT = ("user", "profile", "post", "tag", "comment", "task")
READ = ("index_view", "details_view", "ajax_lookup")
WRITE = (
    "create_view",
    "edit_view",
    "delete_view",
    "action_view",
    "export",
    "ajax_update",
    "delete_confirm",
    "trash_selected",
)


def _policy() -> dict[str, Role | str]:
    policy: dict[str, Role | str] = {
        "static": ANYONE,
        "admin.static": ANYONE,
        "index": ANYONE,
        "healthz": ANYONE,
        "readyz": ANYONE,
        "auth.login": ANYONE,
        "auth.logout": ANYONE,
        "admin.index": Role.VIEWER,
        "api.list_records": Role.VIEWER,
        "trash.index": Role.VIEWER,
        "trash.batch": Role.VIEWER,
        "trash.preview": Role.VIEWER,
        "pool.index": Role.VIEWER,
        "pool.stats": Role.VIEWER,
        "trash.restore": Role.EDITOR,
        "trash.purge": Role.ADMIN,
        "trash.retention": Role.ADMIN,
    }
    for name in CONTENT:
        for view in (name, f"{name}_trash"):
            policy.update({f"{view}.{ep}": Role.VIEWER for ep in READ})
            policy.update({f"{view}.{ep}": Role.EDITOR for ep in WRITE})
        policy[f"{name}_trash.purge_selected"] = Role.ADMIN
    for ep in (*READ, *WRITE):
        policy[f"operator.{ep}"] = Role.ADMIN
    policy.update(
        {f"audit.{ep}": Role.VIEWER for ep in (*READ, "record", "history", "transaction")}
    )
    policy.update({f"audit.{ep}": Role.EDITOR for ep in (*WRITE, "revert")})
    return policy


POLICY = _policy()
ROLES = (None, Role.VIEWER, Role.EDITOR, Role.ADMIN)


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


def test_every_route_has_a_policy(app):
    missing = {endpoint for endpoint, _, _ in _routes(app)} - set(POLICY)
    assert missing == set(), f"routes without a role policy: {sorted(missing)}"


def _client_for(app: Any, role: Role | None) -> Any:
    client = app.test_client()
    if role is not None:
        make_operator(f"{role.value}-matrix", role)
        assert sign_in(client, f"{role.value}-matrix").status_code == 302
    return client


def _allowed(needed: Role | str, role: Role | None) -> bool:
    return needed == ANYONE or (role is not None and Role(role).rank >= Role(needed).rank)


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "anonymous")
def test_role_matrix(app, role):
    client = _client_for(app, role)
    token = csrf_token(client, "/login" if role is None else "/admin/")
    failures = []
    for endpoint, method, url in _routes(app):
        if endpoint == "auth.logout" or endpoint.endswith("static"):
            continue  # sign-out ends the session under test; static files are public by design
        status = _request(client, method, url, token)
        needed = POLICY[endpoint]
        verdict = _judge(needed, role, status, url)
        if verdict:
            failures.append(f"{method} {url} as {role or 'anonymous'}: {status} ({verdict})")
    assert failures == []


def _request(client: Any, method: str, url: str, token: str) -> int:
    if method == "GET":
        return int(client.get(url).status_code)
    return int(client.post(url, data={"csrf_token": token}).status_code)


def _judge(needed: Role | str, role: Role | None, status: int, url: str) -> str:
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
