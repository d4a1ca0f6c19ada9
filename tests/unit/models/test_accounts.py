"""Rules every operator change obeys, whoever makes it: sessions end, an admin remains."""

from __future__ import annotations

import pytest

from admin_app.models import LastAdminError, Operator, Role
from tests.conftest import make_operator


def test_removing_the_last_active_admin_is_refused(session):
    admin = make_operator("only", Role.ADMIN)
    session.delete(admin)
    with pytest.raises(LastAdminError):
        session.commit()
    session.rollback()
    assert session.get(Operator, admin.id) is not None


def test_removing_an_admin_while_another_remains_is_allowed(session):
    make_operator("first", Role.ADMIN)
    second = make_operator("second", Role.ADMIN)
    session.delete(second)
    session.commit()
    assert session.get(Operator, second.id) is None


def test_demoting_the_last_admin_in_one_flush_with_a_promotion_is_allowed(session):
    admin, editor = make_operator("old", Role.ADMIN), make_operator("new", Role.EDITOR)
    admin.role, editor.role = Role.EDITOR.value, Role.ADMIN.value
    session.commit()
    assert (admin.role, editor.role) == ("editor", "admin")


def test_a_first_operator_who_is_no_admin_may_be_created(session):
    make_operator("viewer-first", Role.VIEWER).is_active = False
    session.commit()


@pytest.mark.parametrize(
    "change",
    [
        lambda op: op.set_password("a different passphrase"),
        lambda op: setattr(op, "role", Role.VIEWER.value),
        lambda op: setattr(op, "is_active", False),
    ],
    ids=["password", "role", "deactivation"],
)
def test_account_changes_end_the_sessions(session, change):
    make_operator("keeper", Role.ADMIN)
    operator = make_operator("ann", Role.EDITOR)
    before = operator.get_id()
    change(operator)
    session.commit()
    assert operator.session_epoch == 1
    assert operator.get_id() != before


def test_other_changes_keep_the_sessions(session):
    operator = make_operator("ann", Role.EDITOR)
    operator.username = "ann2"
    session.commit()
    assert operator.session_epoch == 0
