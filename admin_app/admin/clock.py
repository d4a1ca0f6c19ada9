"""Times as the operator reads them: stored in UTC, shown in the operator's own time zone."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask import Flask

from admin_app.auth.roles import current_operator


@cache
def time_zones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones() | {"UTC"}))


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(time_zones())  # asked for every time a page shows, so a set, not a scan


def zone_named(name: str) -> ZoneInfo:
    """The zone, or ValueError for a name the time-zone database does not know."""
    if name not in _known_zones():
        raise ValueError(f"unknown time zone {name!r}")
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


# Set while a page renders: a list shows dozens of times, and each would look up the operator.
_page_zone: ContextVar[ZoneInfo | None] = ContextVar("page_zone", default=None)


@contextmanager
def one_zone() -> Iterator[None]:
    """Within this block, every time shown is in the zone the operator had on entering it."""
    token = _page_zone.set(display_zone())
    try:
        yield
    finally:
        _page_zone.reset(token)


def display_zone() -> ZoneInfo:
    fixed = _page_zone.get()
    if fixed is not None:
        return fixed
    operator = current_operator()
    try:
        return zone_named(operator.time_zone) if operator else ZoneInfo("UTC")
    except ValueError:  # a zone removed from the system's database since it was chosen
        return ZoneInfo("UTC")


def when(value: datetime | None, *, seconds: bool = False) -> str:
    """``2026-03-01 09:00 JST``: the moment in the operator's zone, with its abbreviation."""
    if value is None:
        return ""
    local = value.astimezone(display_zone()) if value.tzinfo else value.replace(tzinfo=UTC)
    return local.strftime("%Y-%m-%d %H:%M:%S %Z" if seconds else "%Y-%m-%d %H:%M %Z")


def init_app(app: Flask) -> None:
    app.add_template_filter(when, "when")
    app.add_template_global(lambda: display_zone().key, "display_zone_name")
