"""CSV export: the list's columns, filters, search and sort, streamed, capped, audited, and
with values a spreadsheet shows as text and never runs as a formula.

The stream outlives the request and its session, so it owns one connection for its whole
life: checked out before the response starts (a full pool answers 503, not a broken 200),
read through a server-side cursor, and given back when the file ends, fails or is dropped.
"""

from __future__ import annotations

import csv
import logging
import unicodedata
from collections.abc import Callable, Generator, Iterable, Iterator
from decimal import Decimal
from typing import Any

from flask import Response, current_app, request
from flask_admin._compat import csv_encode
from flask_admin.contrib.sqla import ModelView
from sqlalchemy.orm import Session
from werkzeug.utils import secure_filename

from admin_app.admin import loading
from admin_app.admin.export_rows import CellColumn, cell_columns
from admin_app.admin.read_ahead import ReadAhead
from admin_app.audit import record
from admin_app.config import settings_of
from admin_app.extensions import db
from admin_app.models import Action
from admin_app.models.naming import entity_type

log = logging.getLogger(__name__)
# OWASP "CSV injection": a cell starting with one of these may be evaluated as a formula.
FORMULA_STARTS = ("=", "+", "-", "@")
# Spreadsheets skip leading blanks and line breaks before reading a formula.
CONTROL_STARTS = ("\t", "\r", "\n")
Cells = Callable[[Any], list[Any]]
LINES_PER_WRITE = 200
FAILED_LINE = "# export failed: the database stopped answering; this file is incomplete"


def could_run(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula.

    Leading whitespace is skipped and the first character folded (NFKC), so a full-width
    equals sign (U+FF1D) or ``' =1+1'`` counts as well as ``=1+1``.
    """
    if text.startswith(CONTROL_STARTS):
        return True
    head = unicodedata.normalize("NFKC", text.lstrip()[:1])
    return head.startswith(FORMULA_STARTS)


def neutralise(value: Any) -> Any:
    """Return ``value`` as text with a leading apostrophe if it could start a formula.

    Numbers pass unchanged: a spreadsheet reads ``-3`` as a number, never as a formula.
    """
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    return "'" + text if could_run(text) else text


class _Echo:
    """A file-like object whose write hands the CSV line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


class ExportStream:
    """CSV lines read through a session that owns one connection; releases it when closed.

    The WSGI server calls ``close`` when the file ends and when the client hangs up, even
    before the first line, so the connection never waits for the garbage collector.
    """

    def __init__(
        self, session: Session, rows: Iterable[Any], header: list[str], cells: Cells
    ) -> None:
        self.session, self.rows, self.header, self.cells = session, rows, header, cells
        self.lines = self._lines()
        self.released = False

    def __iter__(self) -> Iterator[str]:
        return self.lines

    def _lines(self) -> Generator[str]:
        # Lines go out LINES_PER_WRITE at a time: a write per line cost the server more
        # than making the line.
        writer, sent = csv.writer(_Echo()), 0
        lines = [writer.writerow(self.header)]
        try:
            for row in self.rows:
                lines.append(writer.writerow(self.cells(row)))
                sent += 1
                if len(lines) >= LINES_PER_WRITE:
                    yield "".join(lines)
                    lines.clear()
        except Exception as exc:  # the file is already under way: end it visibly, not silently
            log.warning("export stopped after %d rows: %s", sent, type(exc).__name__)
            lines.append(writer.writerow([FAILED_LINE]))
        finally:
            self._release()
        yield "".join(lines)

    def close(self) -> None:
        self.lines.close()  # runs the generator's finally if it had started
        self._release()  # and releases the connection if it had not

    def _release(self) -> None:
        if self.released:
            return
        self.released = True
        getattr(self.rows, "close", lambda: None)()
        release(self.session)


def release(session: Session) -> None:
    """End the session's read-only transaction and give its own connection back."""
    session.close()
    session.bind.close()  # type: ignore[union-attr]


def open_export_session() -> Session:
    """A session on its own pooled connection, carrying who is acting for the audit.

    Checking out here, before the response starts, lets a full pool answer 503.
    """
    info = dict(db.session.info)
    db.session.close()  # the request's own connection goes back before this one is taken
    connection = db.engine.connect()
    return Session(bind=connection, info=info, expire_on_commit=False)


class ExportBehaviour(ModelView):
    # Rows one export may hold; None reads ``lists.export_max_rows`` (0: the whole list).
    export_max_rows: int | None = None
    export_types = ["csv"]
    # Export writes raw values: HTML-escaping list formatters would put entities into cells.
    column_formatters_export: dict[str, Any] = {}

    # Export: the list's columns, filters, search and sort; streamed, capped if configured.
    def export_cap(self) -> int:
        """The most rows one export holds; 0 for no cap."""
        if self.export_max_rows is not None:
            return self.export_max_rows
        return int(settings_of(current_app)["lists"]["export_max_rows"])

    def export_note(self, count: Any) -> str:
        """What the list says before a download that would stop short of its rows."""
        cap = self.export_cap()
        if not cap or count is None or int(count) <= cap:
            return ""
        return f"Export stops at the first {cap:,} of {count} rows"

    def get_export_columns(self) -> list[tuple[str, str]]:
        if self.column_export_list:
            return super().get_export_columns()
        excluded = set(self.column_export_exclude_list or ())
        return [column for column in self._list_columns if column[0] not in excluded]

    def get_export_value(self, model: Any, name: Any) -> Any:
        return neutralise(super().get_export_value(model, name))

    def _export_csv(self, return_url: Any) -> Any:
        count, query = self._export_query()
        session = open_export_session()
        try:
            self._audit_export(session, count)
            session.commit()
        except BaseException:
            release(session)
            raise
        rows, cells = self._export_plan(query.with_session(session))
        header = [csv_encode(label) for _, label in self._export_columns]
        stream = ExportStream(session, rows, header=header, cells=cells)
        filename = secure_filename(self.get_export_name(export_type="csv"))
        headers = {"Content-Disposition": f"attachment;filename={filename}"}
        return Response(stream, headers=headers, mimetype="text/csv")

    def _export_query(self) -> tuple[int | None, Any]:
        args = self._get_list_extra_args()
        sort = self._get_column_by_idx(args.sort)
        page = (0, sort[0] if sort else None, args.sort_desc, args.search, args.filters)
        return self.list_query(*page, page_size=self.export_cap())

    def _export_plan(self, query: Any) -> tuple[Iterable[Any], Cells]:
        """The rows and how each becomes cells: plain values from SQL where every column
        can be said in SQL and no view formatter needs the object, else objects."""
        names = loading.column_keys(self._export_columns)
        formatted = self.column_formatters_export or set(names) & set(self._column_choices_map)
        columns = None if formatted else cell_columns(self.model, names)
        if columns is None:
            return self._export_rows(query), self._export_cells
        selected = query.with_entities(*(column.expression for column in columns))
        # Plain values: making their lines never touches the session, so a thread can read
        # the next rows meanwhile (objects could lazy-load through it: they are read in line).
        rows = ReadAhead(
            selected.yield_per(loading.EXPORT_CHUNK_ROWS), chunk=loading.EXPORT_CHUNK_ROWS
        )
        return rows, self._value_cells(columns)

    def _value_cells(self, columns: list[CellColumn]) -> Cells:
        by_type: dict[type, Any] = {}

        def text(value: Any, name: str) -> Any:
            kind = type(value)
            if kind not in by_type:  # the first formatter whose type fits, as Flask-Admin picks
                fits = (
                    f for t, f in self.column_type_formatters_export.items() if isinstance(value, t)
                )
                by_type[kind] = next(fits, None)
            formatter = by_type[kind]
            return value if formatter is None else formatter(self, value, name)

        names = loading.column_keys(self._export_columns)
        plan = list(zip(names, columns, strict=True))

        def cells(row: Any) -> list[Any]:
            return [
                csv_encode(neutralise(text(column.named(value) if column.named else value, name)))
                for (name, column), value in zip(plan, row, strict=True)
            ]

        return cells

    def _export_rows(self, query: Any) -> Iterator[Any]:
        columns = loading.column_keys(self._export_columns)
        prepared, hybrids = loading.prepare(query, self.model, columns)
        return loading.stream(prepared, hybrids)

    def _export_cells(self, row: Any) -> list[Any]:
        return [csv_encode(self.get_export_value(row, name)) for name, _ in self._export_columns]

    def _audit_export(self, session: Session, count: int | None) -> None:
        # Recorded before the rows stream: who took which rows out, with the filters used.
        cap = self.export_cap()
        rows = min(int(count or 0), cap) if cap else int(count or 0)
        used = {key: value for key, value in request.args.items() if key != "csrf_token"}
        record(
            session,
            Action.EXPORT,
            entity_type=entity_type(self.model),
            entity_repr=f"{rows} rows as CSV",
            changes={"query": [None, used], "rows": [None, rows]},
        )
