"""Hybrid properties as list filters and sortable columns, typed from their SQL expression."""

from __future__ import annotations

import functools
import typing
from typing import Any

from sqlalchemy import Boolean, Column, Float, Integer, Numeric, String, inspect, type_coerce
from sqlalchemy.ext.hybrid import HybridExtensionType
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import NullType, TypeEngine

# Meaningless in a list that never shows trashed rows (the trash views show them).
HIDDEN_HYBRIDS = frozenset({"is_deleted"})
# An untyped expression (say ``func.trim(...)``) falls back to the getter's return annotation.
_PYTHON_TYPES: dict[type, TypeEngine[Any]] = {
    bool: Boolean(),
    int: Integer(),
    float: Float(),
    str: String(),
}


@functools.cache
def hybrid_names(model: type) -> tuple[str, ...]:
    """The public hybrid properties of ``model``, in declaration order."""
    names = []
    descriptors: dict[str, Any] = dict(inspect(model).all_orm_descriptors.items())
    for key, descriptor in descriptors.items():
        if descriptor.extension_type is not HybridExtensionType.HYBRID_PROPERTY:
            continue
        # ``.inplace.expression`` registers the same hybrid under its helper's name too.
        if key == descriptor.__name__ and not key.startswith("_") and key not in HIDDEN_HYBRIDS:
            names.append(key)
    return tuple(names)


def stored_hybrids(model: type) -> tuple[str, ...]:
    """Hybrids whose SQL side is a stored column: an index can serve a sort by them.

    Computed ones (``is_published`` against the clock, ``full_name``) filter and show, but
    sorting by them would compute and sort every row of the table.
    """
    return tuple(n for n in hybrid_names(model) if stored_attribute(model, n) is not None)


@functools.cache
def stored_attribute(model: type, name: str) -> str | None:
    """The mapped attribute holding a stored hybrid's value (``stored_comment_count``), or
    None for a hybrid computed in SQL."""
    expression = getattr(model, name).expression
    if not isinstance(expression, Column):
        return None
    return str(inspect(model).get_property_by_column(expression).key)


def hybrid_type(model: type, name: str) -> TypeEngine[Any] | None:
    """The SQL type a hybrid compares as, or None when it cannot be told."""
    sql_type = getattr(model, name).type
    if not isinstance(sql_type, NullType):
        return sql_type  # type: ignore[no-any-return]
    getter: Any = inspect(model).all_orm_descriptors[name].fget  # type: ignore[attr-defined]
    try:
        returned = typing.get_type_hints(getter).get("return")
    except (NameError, TypeError):
        return None
    return _PYTHON_TYPES.get(returned)  # type: ignore[arg-type]


def hybrid_expression(model: type, name: str) -> ColumnElement[Any]:
    """A fresh SQL expression for the hybrid, built now rather than at start-up.

    Built per query so nothing time-dependent is ever frozen into a cached expression.
    """
    expression = getattr(model, name)
    sql_type = hybrid_type(model, name)
    if isinstance(expression.type, NullType) and sql_type is not None:
        return type_coerce(expression, sql_type)
    return expression  # type: ignore[no-any-return]


def type_family(sql_type: TypeEngine[Any] | None) -> str | None:
    """``boolean``, ``integer``, ``number`` or ``text``: which filter operations fit."""
    if isinstance(sql_type, Boolean):
        return "boolean"
    if isinstance(sql_type, Integer):
        return "integer"
    if isinstance(sql_type, Float | Numeric):
        return "number"
    if isinstance(sql_type, String):
        return "text"
    return None
