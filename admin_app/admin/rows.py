"""A list page's rows: the actions rendered once per page and stamped per row, the cells
joined in Python.

Rendering every action for every row costs a macro and a ``url_for`` per action and row,
most of a list page's time. An action's HTML depends on the row only through its id, so it
is rendered once with a placeholder id and the placeholder replaced per row. An action that
reads the row itself (its own template or URL callable) is still rendered per row. The
cells are the view's ``get_list_value``, escaped as ``{{ }}`` would, without a template
loop per cell.
"""

from __future__ import annotations

import re
from typing import Any

from jinja2 import pass_context
from markupsafe import Markup, escape

# Letters only: URL quoting and HTML escaping leave it as it is.
PLACEHOLDER = "ROWIDPLACEHOLDER"
# Characters neither URL quoting (``quote(safe="")``) nor HTML escaping change: an id made of
# them (UUIDs, integers) reads the same in a URL, an attribute and text, as the placeholder did.
VERBATIM = re.compile(r"[A-Za-z0-9_.~-]+")


class RowReadError(Exception):
    """An action read the row itself: its HTML is not the same for every row."""


class _AnyRow:
    """Stands for the row while an action is rendered once for the page."""

    def __getattr__(self, name: str) -> Any:
        raise RowReadError(name)

    def __getitem__(self, key: Any) -> Any:
        raise RowReadError(key)

    def __bool__(self) -> bool:
        raise RowReadError("bool")

    def __str__(self) -> str:
        raise RowReadError("str")


class RowActions:
    """One list page's row actions column, rendered once and stamped per row (ListRows)."""

    def __init__(self, actions: list[Any]) -> None:
        self.actions = actions
        self._parts: list[list[str] | None] | None = None

    def _stamp(self, context: Any, action: Any) -> list[str] | None:
        try:
            html = str(action.render_ctx(context, PLACEHOLDER, _AnyRow()))
        except RowReadError:
            return None
        return html.split(PLACEHOLDER)

    def render(self, context: Any, row_id: Any, row: Any) -> Markup:
        if self._parts is None:
            self._parts = [self._stamp(context, action) for action in self.actions]
        text = str(row_id)
        verbatim = VERBATIM.fullmatch(text) is not None
        html = [
            text.join(parts)
            if parts is not None and verbatim
            else str(action.render_ctx(context, row_id, row))
            for action, parts in zip(self.actions, self._parts, strict=True)
        ]
        return Markup("".join(html))  # noqa: S704 - pieces rendered by autoescaped templates


class ListCells:
    """One list page's value cells, a ``<td>`` per column (ListRows)."""

    def __init__(self, view: Any, columns: list[tuple[str, str]]) -> None:
        self.view = view
        # Class names as Flask-Admin writes them: ``col-<column>``, escaped once.
        self.opening = [(name, f'<td class="col-{escape(name)}">') for name, _ in columns]

    def render(self, context: Any, row: Any) -> Markup:
        value = self.view.get_list_value
        html = [f"{td}{escape(value(context, row, name))}</td>" for name, td in self.opening]
        return Markup("".join(html))  # noqa: S704 - every value is escaped above


class ListRows:
    """One list page's body: every row's ``<tr>`` in one pass, ``list_rows(data)`` in templates.

    Flask-Admin renders each row through a scoped block, which derives a new template context
    per row, then a macro: 0.15 ms a row, most of a list page's template time. The row here
    is the same markup: the checkbox, the stamped actions, the cells.
    """

    def __init__(self, view: Any, actions: RowActions, cells: ListCells, *, select: str) -> None:
        self.view, self.actions, self.cells = view, actions, cells
        self.checkbox = (
            '<td><input type="checkbox" name="rowid" class="action-checkbox" value="{}" '
            f'title="{escape(select)}" /></td>'
        )

    @pass_context
    def render(self, context: Any, data: Any) -> Markup:
        with_checkbox = bool(context.get("actions"))
        with_actions = bool(self.view.column_display_actions)
        html = []
        for row in data:
            pk = self.view.get_pk_value(row)
            html.append("<tr>\n")
            if with_checkbox:
                html.append(self.checkbox.format(escape(pk)))
            if with_actions:
                html.append(
                    f'<td class="list-buttons-column">{self.actions.render(context, pk, row)}</td>'
                )
            html.append(self.cells.render(context, row))
            html.append("\n</tr>\n")
        return Markup("".join(html))  # noqa: S704 - the id is escaped, the rest rendered escaped
