"""Teach Flask-Admin our column types: aware datetimes in forms (shown in the operator's zone),
and filters that refuse values their column cannot hold (a 30-digit number, a bad UUID)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask_admin.contrib.sqla import filters as sqla_filters
from flask_admin.contrib.sqla.filters import FilterConverter
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.form import DateTimeField
from flask_admin.model.filters import convert as converts_filter
from flask_admin.model.form import converts

from admin_app.admin.clock import display_zone
from admin_app.admin.parsing import clean_float, clean_int, clean_uuid


class UTCDateTimeField(DateTimeField):
    """Entered and shown in the operator's time zone; the model gets an aware datetime."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("description", "YYYY-MM-DD HH:MM:SS, in your time zone")
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        value: datetime | None = getattr(self, "data", None)
        if value is not None and value.tzinfo is None:
            self.data = value.replace(tzinfo=display_zone()).astimezone(UTC)

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.astimezone(display_zone()).strftime(self.format[0]) if self.data else ""


class ConsoleModelConverter(AdminModelConverter):
    @converts("UTCDateTime")
    def convert_utc_datetime(self, field_args: Any, **extra: Any) -> UTCDateTimeField:
        return UTCDateTimeField(**field_args)


class _CleanInt:
    def clean(self, value: str) -> int:
        return clean_int(value)


class _CleanIntList:
    def clean(self, value: str) -> list[int]:
        return [clean_int(part) for part in value.split(",") if part.strip()]


class _CleanFloat:
    def clean(self, value: str) -> float:
        return clean_float(value)


class _CleanFloatList:
    def clean(self, value: str) -> list[float]:
        return [clean_float(part) for part in value.split(",") if part.strip()]


class _CleanUuid:
    def clean(self, value: str) -> str:
        return clean_uuid(value)


class _CleanUuidList:
    def clean(self, value: str) -> list[str]:
        return [clean_uuid(part) for part in value.split(",") if part.strip()]


def strict(filters: tuple[Any, ...], one: type, many: type) -> tuple[Any, ...]:
    """The same filters, each validating its value strictly: a bad one is flashed, not run."""
    return tuple(
        f
        if f is sqla_filters.FilterEmpty
        else type(f"Strict{f.__name__}", (many if "InList" in f.__name__ else one, f), {})
        for f in filters
    )


class ConsoleFilterConverter(FilterConverter):
    int_filters = strict(FilterConverter.int_filters, _CleanInt, _CleanIntList)
    float_filters = strict(FilterConverter.float_filters, _CleanFloat, _CleanFloatList)
    uuid_filters = strict(FilterConverter.string_key_filters, _CleanUuid, _CleanUuidList)

    @converts_filter("utcdatetime")
    def conv_utc_datetime(self, column: Any, name: str, **kwargs: Any) -> Any:
        return self.conv_datetime(column, name, **kwargs)

    # Sorts after conv_string_keys, which also claims UUIDType: the last one found wins.
    @converts_filter("UUIDType", "uuid")
    def conv_uuid_type(self, column: Any, name: str, **kwargs: Any) -> Any:
        return [f(column, name, **kwargs) for f in self.uuid_filters]
