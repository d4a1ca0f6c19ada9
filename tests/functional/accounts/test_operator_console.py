"""Admins manage operators in the console: create, edit, reset, deactivate, reactivate."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from admin_app.models import Operator, Role
from tests.conftest import PASSWORD, csrf_token, make_operator, sign_in

NEW_PASSWORD = "a brand new passphrase"


def _operator(session: Any, username: str) -> Operator:
    session.rollback()
    return session.scalars(select(Operator).filter_by(username=username)).one()


def _save(client: Any, path: str, **fields: Any) -> Any:
    token = csrf_token(client, path)
    data = {"csrf_token": token, **{k: v for k, v in fields.items() if v is not False}}
    return client.post(path, data=data, follow_redirects=True)


def test_admin_creates_an_operator_who_can_sign_in(client, app, session, as_role, audit_log):
    as_role(Role.ADMIN)
    page = _save(
        client,
        "/admin/operator/new/",
        username="newcomer",
        role="editor",
        is_active="y",
        new_password=NEW_PASSWORD,
    )
    assert "Record was successfully created." in page.get_data(as_text=True)
    created = _operator(session, "newcomer")
    assert created.role == "editor"
    [entry] = audit_log.entries(action="create", entity_repr="newcomer")
    assert entry.actor_name == "admin-op"
    assert NEW_PASSWORD not in str(entry.changes)
    assert created.password_hash not in str(entry.changes)
    other = app.test_client()
    assert sign_in(other, "newcomer", NEW_PASSWORD).status_code == 302


def test_a_new_operator_needs_a_password(client, session, as_role):
    as_role(Role.ADMIN)
    page = _save(client, "/admin/operator/new/", username="nopass", role="viewer", is_active="y")
    assert "A new operator needs a password." in page.get_data(as_text=True)
    session.rollback()
    assert session.scalars(select(Operator).filter_by(username="nopass")).first() is None


def test_edit_unchanged_saves_without_a_false_already_exists(client, session, as_role):
    as_role(Role.ADMIN)
    target = make_operator("steady", Role.VIEWER)
    page = _save(
        client,
        f"/admin/operator/edit/?id={target.id}",
        username="steady",
        role="viewer",
        is_active="y",
    )
    text = page.get_data(as_text=True)
    assert "Already exists." not in text
    assert "Record was successfully saved." in text


def test_edit_role_and_reset_password_are_audited_without_the_password(
    app, client, session, as_role, audit_log
):
    as_role(Role.ADMIN)
    target = make_operator("promoted", Role.VIEWER)
    seen = audit_log.seen()
    page = _save(
        client,
        f"/admin/operator/edit/?id={target.id}",
        username="promoted",
        role="editor",
        is_active="y",
        new_password=NEW_PASSWORD,
    )
    assert "Record was successfully saved." in page.get_data(as_text=True)
    changed = _operator(session, "promoted")
    assert changed.role == "editor"
    [entry] = audit_log.entries(after=seen, action="update", entity_type="operator")
    assert entry.changes["role"] == ["viewer", "editor"]
    assert NEW_PASSWORD not in str(entry.changes)
    assert changed.password_hash not in str(entry.changes)
    assert sign_in(app.test_client(), "promoted", NEW_PASSWORD).status_code == 302
    assert sign_in(app.test_client(), "promoted", PASSWORD).status_code == 200


def test_delete_deactivates_and_edit_reactivates(app, client, session, as_role, audit_log):
    as_role(Role.ADMIN)
    target = make_operator("leaver", Role.EDITOR)
    token = csrf_token(client, "/admin/operator/")
    client.post("/admin/operator/delete/", data={"id": str(target.id), "csrf_token": token})
    assert _operator(session, "leaver").is_active is False
    assert sign_in(app.test_client(), "leaver").status_code == 200
    _save(
        client,
        f"/admin/operator/edit/?id={target.id}",
        username="leaver",
        role="editor",
        is_active="y",
    )
    assert _operator(session, "leaver").is_active is True
    assert sign_in(app.test_client(), "leaver").status_code == 302
    flips = [e.changes["is_active"] for e in audit_log.entries(action="update")]
    assert flips == [[True, False], [False, True]]


def test_the_last_active_admin_cannot_demote_or_deactivate_themselves(client, session, as_role):
    admin = as_role(Role.ADMIN)
    make_operator("former", Role.ADMIN).is_active = False
    session.commit()
    for fields in ({"role": "editor", "is_active": "y"}, {"role": "admin", "is_active": False}):
        page = _save(client, f"/admin/operator/edit/?id={admin.id}", username="admin-op", **fields)
        assert "The last active admin cannot be demoted" in page.get_data(as_text=True)
    token = csrf_token(client, "/admin/operator/")
    page = client.post(
        "/admin/operator/delete/",
        data={"id": str(admin.id), "csrf_token": token},
        follow_redirects=True,
    )
    assert "The last active admin cannot be demoted" in page.get_data(as_text=True)
    still = _operator(session, "admin-op")
    assert (still.role, still.is_active) == ("admin", True)


def test_an_admin_may_step_down_while_another_admin_remains(client, session, as_role):
    admin = as_role(Role.ADMIN)
    make_operator("deputy", Role.ADMIN)
    _save(
        client,
        f"/admin/operator/edit/?id={admin.id}",
        username="admin-op",
        role="viewer",
        is_active="y",
    )
    assert _operator(session, "admin-op").role == "viewer"


def test_editors_cannot_reach_operator_management(client, as_role):
    as_role(Role.EDITOR)
    assert client.get("/admin/operator/").status_code == 403
    assert client.get("/admin/operator/new/").status_code == 403
