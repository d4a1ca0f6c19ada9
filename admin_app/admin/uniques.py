"""Unique values checked before a save, so a clash is a message under its field, not SQL text."""

from __future__ import annotations

from typing import Any

from flask import url_for
from markupsafe import Markup
from sqlalchemy import inspect
from werkzeug.routing import BuildError

from admin_app.extensions import db
from admin_app.models.constraints import holders
from admin_app.models.naming import entity_type


def add_unique_errors(form: Any, model: Any, editing: Any = None) -> bool:
    """Put "already used by <record>" under each field whose value a live record holds.

    Returns True when the form is free of clashes. ``editing`` is the record being edited.
    """
    fields = _fields_by_column(form, model)
    values = {column: _value(form[name].data) for column, name in fields.items()}
    clashes = holders(db.session, model, values, exclude=getattr(editing, "id", None))
    shown = False
    for column, holder in clashes.items():
        field = form[fields[column]]
        # A field already refused (Flask-Admin's own Unique validator) needs no second message.
        if not field.errors:
            field.errors = [*field.errors, _message(holder)]
            shown = True
    return not shown


def _fields_by_column(form: Any, model: Any) -> dict[str, str]:
    """Column name -> form field name: a column's own field, or the relationship's (``user``)."""
    names = {name: name for name in form._fields}
    for rel in inspect(model).relationships:
        if (
            rel.key in form._fields
            and len(rel.local_columns) == 1
            and rel.direction.name == "MANYTOONE"
        ):
            (column,) = rel.local_columns
            names[column.name] = rel.key
    return names


def _value(data: Any) -> Any:
    return getattr(data, "id", data)  # a chosen record counts by its id


def _message(holder: Any) -> Markup:
    kind = entity_type(holder)
    try:
        link = url_for(f"{kind}.details_view", id=holder.id)
    except BuildError:
        return Markup("Already used by {} {}.").format(kind, holder)
    return Markup('Already used by {} <a href="{}">{}</a>.').format(kind, link, holder)
