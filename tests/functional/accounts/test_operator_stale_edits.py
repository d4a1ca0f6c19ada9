"""Two admins, one operator: the save made from the older form changes nothing and says who
changed what; the operator signing in meanwhile does not make the form stale."""

from __future__ import annotations

from typing import Any

from click.testing import Result
from sqlalchemy import select

from admin_app.models import Operator, Role
from tests.conftest import make_operator, sign_in
from tests.functional.admin.pages import alerts, opened_form


def _fields(opened: dict[str, str], **changed: str) -> dict[str, str]:
    return {**opened, "username": "target", "role": "viewer", "is_active": "y", **changed}


def _target(session: Any) -> Operator:
    session.expire_all()
    return session.scalars(select(Operator).filter_by(username="target")).one()


def _cli(app: Any, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["operator", *args], catch_exceptions=False)


def test_a_stale_operator_save_changes_nothing_and_names_the_other_admin(
    app, client, session, as_role, audit_log
):
    as_role(Role.ADMIN)
    target = make_operator("target", Role.VIEWER)
    other = app.test_client()
    make_operator("second-admin", Role.ADMIN)
    assert sign_in(other, "second-admin").status_code == 302
    edit = f"/admin/operator/edit/?id={target.id}"
    mine, theirs = opened_form(client, edit), opened_form(other, edit)

    assert other.post(edit, data=_fields(theirs, role="editor")).status_code == 302
    before = audit_log.seen()
    response = client.post(edit, data=_fields(mine, role="admin"))

    assert response.status_code == 200  # the form again
    message = " ".join(alerts(response.get_data(as_text=True)))
    assert "Not saved" in message
    assert "second-admin" in message
    assert "role" in message
    assert _target(session).role == "editor"
    assert audit_log.entries(after=before, entity_type="operator") == []


def test_a_role_set_from_the_cli_makes_an_open_form_stale(app, client, session, as_role):
    as_role(Role.ADMIN)
    target = make_operator("target", Role.VIEWER)
    edit = f"/admin/operator/edit/?id={target.id}"
    opened = opened_form(client, edit)

    assert _cli(app, "set-role", "target", "editor").exit_code == 0
    response = client.post(edit, data=_fields(opened, is_active=""))

    assert "Not saved" in " ".join(alerts(response.get_data(as_text=True)))
    changed = _target(session)
    assert (changed.role, changed.is_active) == ("editor", True)


def test_the_operator_signing_in_and_choosing_a_time_zone_does_not_make_the_form_stale(
    app, client, session, as_role
):
    as_role(Role.ADMIN)
    target = make_operator("target", Role.VIEWER)
    edit = f"/admin/operator/edit/?id={target.id}"
    opened = opened_form(client, edit)
    assert sign_in(app.test_client(), "target").status_code == 302
    session.expire_all()
    signed_in = session.get(Operator, target.id)
    signed_in.time_zone = "Europe/Paris"
    session.commit()

    response = client.post(edit, data=_fields(opened, role="editor"))

    assert response.status_code == 302
    saved = _target(session)
    assert (saved.role, saved.time_zone, saved.version) == ("editor", "Europe/Paris", 2)
