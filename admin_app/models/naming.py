"""How records are named: the kind of a model (``post``) and the text that names one record.

A model names its records by one column, ``__label__``; ``str(record)``, audit entries of
bulk statements and the dashboard's recent deletions all read it through here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

LABEL_MAX = 255  # what an audit entry keeps of a name


def entity_type(model_or_record: Any) -> str:
    """``post`` for Post or one post: how audit entries, URLs and messages name the kind."""
    cls = model_or_record if isinstance(model_or_record, type) else type(model_or_record)
    return cls.__name__.lower()


def label_column(model: Any) -> str | None:
    """The column that names the model's records, if it has one."""
    return getattr(model, "__label__", None)


def row_label(model: Any, row: Mapping[str, Any]) -> str:
    """The name of a record given as column values (bulk statements have no objects)."""
    column = label_column(model)
    value = row.get(column) if column else None
    if value in (None, ""):
        return f"{entity_type(model)} {row.get('id', '')}".strip()
    length = getattr(model, "__label_length__", None)
    if length is None:
        return str(value)[:LABEL_MAX]
    # An excerpt of a long text: one line, cut with an ellipsis.
    folded = " ".join(str(value).split())
    return folded if len(folded) <= length else folded[: length - 1] + "…"


def label(record: Any) -> str:
    """``str(record)`` cut to what an entry keeps; never raises, even for a half-built record."""
    try:
        return str(record)[:LABEL_MAX]
    except Exception:
        return f"{entity_type(record)} {getattr(record, 'id', '')}"


class Named:
    """``str(record)`` is its ``__label__`` column; with ``__label_length__``, an excerpt."""

    __label__: ClassVar[str]

    def __str__(self) -> str:
        return row_label(type(self), {self.__label__: getattr(self, self.__label__)})
