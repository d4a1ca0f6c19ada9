"""Strict parsers for what a client sends: ids, whole numbers, pages, filter values.

Each returns the value or None (or raises ValueError, for filters), so malformed input
becomes a 404, a flash or an ignored parameter, and never reaches a driver as a 500.
"""

from __future__ import annotations

import math
import uuid
from typing import Any

from sqlalchemy import inspect

# SQLite stores 64-bit integers; a bigger Python int fails at bind time.
INT64 = 2**63 - 1
MAX_PAGE = 1_000_000


def clean_int(value: str) -> int:
    """A whole number within 64 bits, or ValueError."""
    number = int(value.strip())
    if abs(number) > INT64:
        raise ValueError(f"{value!r} is out of range")
    return number


def clean_float(value: str) -> float:
    number = float(value.strip())
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a finite number")
    return number


def clean_uuid(value: str) -> str:
    return str(uuid.UUID(value.strip()))


def parse_uuid(raw: Any) -> uuid.UUID | None:
    if isinstance(raw, uuid.UUID):
        return raw
    try:
        return uuid.UUID(str(raw).strip())
    except (ValueError, TypeError):
        return None


def parse_int(raw: Any, *, low: int = -INT64, high: int = INT64) -> int | None:
    try:
        number = int(str(raw).strip())
    except (ValueError, TypeError):
        return None
    return number if low <= number <= high else None


def parse_key(model: Any, raw: Any) -> Any:
    """``raw`` as the model's primary key type, or None when it cannot be one."""
    column = inspect(model).primary_key[0]
    try:
        kind = column.type.python_type
    except NotImplementedError:
        kind = str
    if kind is uuid.UUID:
        return parse_uuid(raw)
    if kind is int:
        return parse_int(raw)
    return None if raw is None or "\x00" in str(raw) else str(raw)


def parse_page(raw: Any) -> int:
    """A zero-based page number; anything malformed or absurd is the first page."""
    page = parse_int(raw, low=0, high=MAX_PAGE)
    return page or 0
