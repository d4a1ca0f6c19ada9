"""Checking a password costs the same whether the account exists, is deactivated or not.

Unknown names are checked against a dummy hash made the same way as real ones, so the
answer's timing tells nothing about which accounts exist.
"""

from __future__ import annotations

import functools
import secrets

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from admin_app.extensions import db
from admin_app.models import Operator


@functools.cache
def dummy_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(24))


def verify(username: str, password: str) -> tuple[Operator | None, bool]:
    """The operator named ``username`` (or None) and whether they may sign in with
    ``password``: active, and the password matches. Exactly one hash check either way."""
    operator = db.session.scalars(select(Operator).filter_by(username=username)).first()
    stored = operator.password_hash if operator is not None else dummy_hash()
    matches = check_password_hash(stored, password)
    return operator, bool(matches and operator is not None and operator.is_active)
