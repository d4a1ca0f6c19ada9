"""Failed sign-ins per account and per client address: a growing lock, then 429.

The counts live in the ``sign_in_failures`` table, so every app process sees the same ones.
An account is keyed by a keyed hash of the name typed, never by the name itself: what is
typed into the username box may be a password.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from admin_app.config import settings_of
from admin_app.extensions import db
from admin_app.models.throttle import sign_in_failures as failures_table


@dataclass(frozen=True)
class Keys:
    account: str
    address: str

    def both(self) -> tuple[str, str]:
        return self.account, self.address


def keys_for(username: str, address: str | None) -> Keys:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(secret, username.strip().casefold().encode(), hashlib.sha256)
    return Keys(f"account:{digest.hexdigest()[:40]}", f"address:{(address or 'unknown')[:80]}")


def _limits() -> dict[str, Any]:
    return settings_of(current_app)["security"]  # type: ignore[no-any-return]


def retry_after(keys: Keys, now: datetime) -> int:
    """Seconds until both keys may try again; 0 when neither is locked."""
    rows = db.session.execute(
        select(failures_table.c.locked_until).where(failures_table.c.key.in_(keys.both()))
    )
    waits = [(until - now).total_seconds() for (until,) in rows if until is not None]
    return max([0, *(math.ceil(wait) for wait in waits)])


def _lock_for(failures: int, limit: int) -> timedelta | None:
    if failures < limit:
        return None
    security = _limits()
    seconds = security["signin_lock_seconds"] * 2 ** min(failures - limit, 16)
    return timedelta(seconds=min(seconds, security["signin_lock_max_seconds"]))


def _insert_if_missing(key: str, now: datetime) -> None:
    # ON CONFLICT DO NOTHING: two processes counting a new key at once must not collide.
    dialect = db.session.get_bind().dialect.name
    insert_into = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(
        insert_into(failures_table)
        .values(key=key, failures=0, last_failure_at=now)
        .on_conflict_do_nothing(index_elements=["key"])
    )


def _count(key: str, now: datetime) -> int:
    """Add one failure to ``key`` (a new burst after a quiet window) and return the count.

    Increments happen in SQL, so concurrent failures in several processes all count."""
    window = timedelta(minutes=_limits()["signin_window_minutes"])
    _insert_if_missing(key, now)
    row = failures_table.c
    db.session.execute(
        update(failures_table)
        .where(row.key == key, row.last_failure_at < now - window)
        .values(failures=0)
    )
    db.session.execute(
        update(failures_table)
        .where(row.key == key)
        .values(failures=row.failures + 1, last_failure_at=now, locked_until=None)
    )
    return int(db.session.scalar(select(row.failures).where(row.key == key)) or 0)


def record_failure(keys: Keys, now: datetime) -> list[str]:
    """Count a failed sign-in against the account and the address; lock those over their
    limit. Returns the scopes ("account", "address") that became locked for the first time
    in this burst, which the caller audits."""
    newly_locked = []
    limits = {"account": _limits()["signin_account_limit"]}
    limits["address"] = _limits()["signin_address_limit"]
    for scope, key in (("account", keys.account), ("address", keys.address)):
        count = _count(key, now)
        lock = _lock_for(count, limits[scope])
        if lock is not None:
            db.session.execute(
                update(failures_table)
                .where(failures_table.c.key == key)
                .values(locked_until=now + lock)
            )
            if count == limits[scope]:
                newly_locked.append(scope)
    return newly_locked


def forget_account(keys: Keys) -> None:
    """A successful sign-in clears the account's failures (not the address's)."""
    db.session.execute(delete(failures_table).where(failures_table.c.key == keys.account))
