"""How long a sign-in lasts: an idle timeout, an absolute cap, and an epoch in the database.

The cookie carries when the session began and when it was last used; the operator's
``session_epoch`` (in the database, so every app process agrees) says which sessions still
count. The clock is ``current_app.config[CLOCK]`` when set, so tests can move time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app, session
from flask_login import login_user, logout_user

from admin_app.columns import utc_now
from admin_app.config import settings_of
from admin_app.models import Operator

CLOCK = "AUTH_CLOCK"
SIGNED_IN_AT, SEEN_AT = "signed_in_at", "seen_at"
# Activity is noted at most once a minute: every note re-sends the cookie, and a response
# that re-sends it late (a static file) would bring back a cookie the browser just cleared.
NOTE_ACTIVITY_AFTER_S = 60


def now() -> datetime:
    clock: Callable[[], datetime] = current_app.config.get(CLOCK, utc_now)
    return clock()


def begin(operator: Operator) -> None:
    """Start a new session for ``operator``: nothing of the one before survives, CSRF token
    included."""
    session.clear()
    login_user(operator)
    session[SIGNED_IN_AT] = session[SEEN_AT] = now().timestamp()


def renew(operator: Operator) -> None:
    """Keep this session after the operator's epoch moved on (their own new password)."""
    login_user(operator)


def end() -> None:
    """Forget the signed-in operator and everything the session held."""
    logout_user()
    session.clear()


def still_fresh() -> bool:
    """Whether this session is inside the idle timeout and the absolute cap; if so, note the
    activity."""
    security = settings_of(current_app)["security"]
    moment = now().timestamp()
    idle = timedelta(minutes=security["session_minutes"]).total_seconds()
    cap = timedelta(minutes=security["session_max_minutes"]).total_seconds()
    began, seen = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if not isinstance(began, float | int) or not isinstance(seen, float | int):
        return False
    if moment - seen > idle or moment - began > cap:
        session.clear()
        return False
    if moment - seen >= NOTE_ACTIVITY_AFTER_S:
        session[SEEN_AT] = moment
    return True
