"""Teach Flask-Admin our column types: aware datetimes in forms (operator's zone) and filters."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask_admin.contrib.sqla.filters import FilterConverter
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.form import DateTimeField
from flask_admin.model.filters import convert as converts_filter
from flask_admin.model.form import converts

from admin_app.admin.clock import display_zone


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


class ConsoleFilterConverter(FilterConverter):
    @converts_filter("utcdatetime")
    def conv_utc_datetime(self, column: Any, name: str, **kwargs: Any) -> Any:
        return self.conv_datetime(column, name, **kwargs)
