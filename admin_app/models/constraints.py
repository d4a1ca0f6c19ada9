"""What a model's unique rules are, and which record holds a value: for messages, not SQL text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import UniqueConstraint, select

from admin_app.models.query import AnySession


def unique_columns(model: Any) -> list[list[str]]:
    """Column lists of every unique rule on the model's table: columns, constraints, indexes.

    Partial indexes over live rows are included; the soft-delete scoping makes the look-up
    below see live rows only, which is exactly what such an index covers.
    """
    table = model.__table__
    found = [[c.name] for c in table.columns if c.unique]
    found += [
        [c.name for c in k.columns] for k in table.constraints if isinstance(k, UniqueConstraint)
    ]
    found += [[c.name for c in index.columns] for index in table.indexes if index.unique]
    # Sorted: a table's indexes are a set, and messages should come in a stable order.
    return sorted(cols for n, cols in enumerate(found) if cols not in found[:n])


def live_unique_columns(model: Any) -> list[list[str]]:
    """Column lists of the model's unique indexes that cover live rows only."""
    return [
        [col.name for col in index.columns]
        for index in model.__table__.indexes
        if index.unique and index.dialect_options["sqlite"].get("where") is not None
    ]


def holders(
    session: AnySession, model: Any, values: Mapping[str, Any], *, exclude: Any = None
) -> dict[str, Any]:
    """For each unique rule whose values are all given: the other record already holding them.

    Keyed by the rule's first column, so a form can put the message under that field.
    ``exclude`` is the id of the record being edited, which may keep its own values.
    """
    found: dict[str, Any] = {}
    for columns in unique_columns(model):
        if not all(values.get(name) not in (None, "") for name in columns):
            continue
        stmt = select(model).filter_by(**{name: values[name] for name in columns})
        if exclude is not None:
            stmt = stmt.where(model.id != exclude)
        holder = session.scalars(stmt.limit(1)).first()
        if holder is not None:
            found[columns[0]] = holder
    return found
