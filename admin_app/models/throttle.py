"""Failed sign-ins per account and per client address, kept in the database.

In the database so every app process sees the same counts: one SQLite file or N instances
on PostgreSQL. A plain table, not a model: these rows are bookkeeping, never audited.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, String, Table

from admin_app.columns import UTCDateTime
from admin_app.extensions import db

sign_in_failures = Table(
    "sign_in_failures",
    db.metadata,
    # "account:<keyed hash of the name>" or "address:<client address>": never a typed name.
    Column("key", String(100), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure_at", UTCDateTime, nullable=False),
    Column("locked_until", UTCDateTime),
)
