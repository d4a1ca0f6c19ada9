"""Times shown in the operator's zone; a zone the system no longer knows falls back to UTC."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from admin_app.admin.clock import when, zone_named
from admin_app.models import Role
from tests.conftest import make_operator


def test_when_shows_utc_without_an_operator(app):
    with app.test_request_context():
        assert (
            when(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), seconds=True)
            == "2026-01-02 03:04:05 UTC"
        )
        assert when(None) == ""


def test_a_zone_removed_since_it_was_chosen_falls_back_to_utc(app, session):
    from flask_login import login_user

    operator = make_operator("far-away", Role.VIEWER)
    operator.time_zone = "Atlantis/Capital"
    with app.test_request_context():
        login_user(operator)
        assert when(datetime(2026, 1, 2, 3, 4, tzinfo=UTC)) == "2026-01-02 03:04 UTC"


def test_unknown_zone_names_are_refused():
    with pytest.raises(ValueError, match="unknown time zone"):
        zone_named("Mars/Olympus_Mons")
    assert zone_named("Europe/Paris").key == "Europe/Paris"
