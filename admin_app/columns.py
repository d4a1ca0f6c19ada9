"""Column types, defaults and SQL functions that behave the same on SQLite and PostgreSQL.

Below the models and soft delete on purpose: it imports nothing of the app.
"""

from __future__ import annotations

import enum
import os
import threading
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy_utils import UUIDType

# Stored as native uuid on PostgreSQL and CHAR(32) on SQLite; accepts the string ids
# Flask-Admin passes around.
UUID = UUIDType(binary=False)

_uuid7_lock = threading.Lock()
_uuid7_last = 0


def uuid7() -> uuid.UUID:
    """Return a UUIDv7 (Unix milliseconds, then random bits); each sorts after the last.

    Within one millisecond the random part alone would not keep creation order, so a value
    not above the previous one becomes previous + 1 (RFC 9562 section 6.2, method 2).
    """
    global _uuid7_last
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version
    value |= (rand >> 68) << 64  # 12 random bits (rand_a)
    value |= 0b10 << 62  # RFC 9562 variant
    value |= rand & ((1 << 62) - 1)  # 62 random bits (rand_b)
    with _uuid7_lock:
        if value <= _uuid7_last:
            value = _uuid7_last + 1
        _uuid7_last = value
    return uuid.UUID(int=value)


def utc_now() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on both engines.

    SQLite has no time zones: values are stored as naive UTC text and come back aware.
    Naive input is refused, so local time can never slip in unnoticed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware value")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class sql_utc_now(FunctionElement[datetime]):  # noqa: N801 - reads as a SQL function
    """The current UTC time, evaluated by the database when the statement runs."""

    type = UTCDateTime()
    inherit_cache = True


@compiles(sql_utc_now, "postgresql")
def _pg_utc_now(element: Any, compiler: Any, **kw: Any) -> str:
    return "statement_timestamp()"


@compiles(sql_utc_now, "sqlite")
def _sqlite_utc_now(element: Any, compiler: Any, **kw: Any) -> str:
    # Same text layout SQLAlchemy stores (YYYY-MM-DD HH:MM:SS.ffffff), so comparisons hold.
    return "strftime('%Y-%m-%d %H:%M:%f000', 'now')"


class days_since(FunctionElement[int]):  # noqa: N801 - reads as a SQL function
    """Whole days elapsed from a timestamp column until now (floored)."""

    inherit_cache = True


@compiles(days_since, "postgresql")
def _pg_days_since(element: Any, compiler: Any, **kw: Any) -> str:
    (column,) = element.clauses
    arg = compiler.process(column, **kw)
    return f"CAST(floor(extract(epoch FROM (statement_timestamp() - {arg})) / 86400) AS INTEGER)"


@compiles(days_since, "sqlite")
def _sqlite_days_since(element: Any, compiler: Any, **kw: Any) -> str:
    (column,) = element.clauses
    arg = compiler.process(column, **kw)
    days = f"(julianday('now') - julianday({arg}))"
    # CAST truncates toward zero; subtract one for negative fractions to floor like Python.
    return f"(CAST({days} AS INTEGER) - ({days} < CAST({days} AS INTEGER)))"


def to_json(value: Any) -> Any:
    """A column value as JSON: ISO 8601 times, UUIDs and decimals as text, enums by value."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value
