"""Each operator reads times in their own zone; everything stays stored in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from admin_app.models import Operator, Role, Task
from tests.conftest import csrf_token
from tests.factories import TaskFactory, UserFactory

DUE = datetime(2026, 3, 1, 0, 30, tzinfo=UTC)


def _choose(client, zone: str):
    url = "/admin/preferences/"
    return client.post(
        url, data={"time_zone": zone, "csrf_token": csrf_token(client, url)}, follow_redirects=True
    )


def test_times_follow_the_operator_s_zone(client, session, as_role, audit_log):
    task = TaskFactory(title="Night shift", due_at=DUE)
    session.commit()
    operator = as_role(Role.EDITOR)
    assert "2026-03-01 00:30 UTC" in client.get(f"/admin/task/details/?id={task.id}").get_data(
        as_text=True
    )

    assert "Times are now shown in Asia/Tokyo." in _choose(client, "Asia/Tokyo").get_data(
        as_text=True
    )
    details = client.get(f"/admin/task/details/?id={task.id}").get_data(as_text=True)
    assert "2026-03-01 09:30 JST" in details
    assert 'data-time-zone="Asia/Tokyo"' in client.get("/admin/pool/").get_data(as_text=True)
    account = client.get("/admin/account/").get_data(as_text=True)
    assert "times shown in Asia/Tokyo" in account
    assert 'href="/admin/preferences/"' in account
    (entry,) = audit_log.entries(entity_type="operator", action="update")
    assert entry.changes["time_zone"] == ["UTC", "Asia/Tokyo"]
    assert session.get(Operator, operator.id).time_zone == "Asia/Tokyo"


def test_dates_typed_into_forms_are_read_in_the_operator_s_zone(client, session, as_role):
    user = UserFactory()
    session.commit()
    as_role(Role.EDITOR)
    _choose(client, "America/New_York")
    url = "/admin/task/new/"
    data = {
        "title": "Typed in New York",
        "assignee": str(user.id),
        "priority": "2",
        "due_at": "2026-07-01 09:00:00",
        "csrf_token": csrf_token(client, url),
    }
    response = client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    session.rollback()
    task = session.scalars(select(Task).where(Task.title == "Typed in New York")).one()
    assert task.due_at == datetime(2026, 7, 1, 13, 0, tzinfo=UTC)  # EDT is UTC-4


def test_an_unknown_zone_is_refused_with_a_message(client, session, as_role):
    operator = as_role(Role.VIEWER)
    page = _choose(client, "Mars/Olympus_Mons").get_data(as_text=True)
    assert "Not saved: choose a time zone from the list." in page
    session.rollback()
    assert session.get(Operator, operator.id).time_zone == "UTC"
