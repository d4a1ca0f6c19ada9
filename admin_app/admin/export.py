"""CSV export: the list's columns, filters, search and sort, streamed, capped, audited, and
with values a spreadsheet shows as text and never runs as a formula."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import request
from flask_admin.contrib.sqla import ModelView

from admin_app.admin import loading
from admin_app.audit import record
from admin_app.extensions import db
from admin_app.models import Action
from admin_app.models.naming import entity_type

# OWASP "CSV injection": a cell starting with one of these may be evaluated as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Return ``value`` as text with a leading apostrophe if it could start a formula.

    Numbers pass unchanged: a spreadsheet reads ``-3`` as a number, never as a formula.
    """
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class ExportBehaviour(ModelView):
    export_max_rows = 10_000
    export_types = ["csv"]
    # Export writes raw values: HTML-escaping list formatters would put entities into cells.
    column_formatters_export: dict[str, Any] = {}

    # Export: the list's columns, filters, search and sort; streamed and capped.
    def get_export_columns(self) -> list[tuple[str, str]]:
        if self.column_export_list:
            return super().get_export_columns()
        excluded = set(self.column_export_exclude_list or ())
        return [column for column in self._list_columns if column[0] not in excluded]

    def get_export_value(self, model: Any, name: Any) -> Any:
        return neutralise(super().get_export_value(model, name))

    def _export_data(self) -> tuple[int | None, Any]:
        args = self._get_list_extra_args()
        sort = self._get_column_by_idx(args.sort)
        page = (0, sort[0] if sort else None, args.sort_desc, args.search, args.filters)
        count, query = self.list_query(*page, page_size=self.export_max_rows)
        columns = loading.column_keys(self._export_columns)
        query, hybrids = loading.prepare(query, self.model, columns)
        self._audit_export(count)
        return count, loading.stream(query, hybrids)

    def _audit_export(self, count: int | None) -> None:
        # Recorded before the rows stream: who took which rows out, with the filters used.
        rows = min(count or 0, self.export_max_rows)
        used = {key: value for key, value in request.args.items() if key != "csrf_token"}
        record(
            db.session,
            Action.EXPORT,
            entity_type=entity_type(self.model),
            entity_repr=f"{rows} rows as CSV",
            changes={"query": [None, used], "rows": [None, rows]},
        )
        db.session.commit()
