"""Times as the operator reads them: stored in UTC, shown in the operator's own time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask import Flask

from admin_app.auth.roles import current_operator


@cache
def time_zones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones() | {"UTC"}))


def zone_named(name: str) -> ZoneInfo:
    """The zone, or ValueError for a name the time-zone database does not know."""
    if name not in time_zones():
        raise ValueError(f"unknown time zone {name!r}")
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def display_zone() -> ZoneInfo:
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
