"""List filters over hybrid properties: built lazily, validated strictly, right on both engines."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_admin.babel import lazy_gettext
from flask_admin.contrib.sqla import filters as sqla
from flask_admin.model import filters as base

from admin_app.admin.hybrids import hybrid_expression, hybrid_type, type_family
from admin_app.admin.parsing import clean_float, clean_int


class HybridFilter(sqla.BaseSQLAFilter):
    """Resolves its hybrid expression per query, never once at start-up."""

    def get_column(self, alias: Any) -> Any:
        return hybrid_expression(self._bound_model, self.key_name)  # type: ignore[arg-type]


class HybridIs(HybridFilter, base.BaseBooleanFilter):
    def clean(self, value: str) -> bool:
        return value == "1"

    def apply(self, query: Any, value: bool, alias: Any = None) -> Any:
        # "Yes" is the bare condition: WHERE drops NULL anyway, and a planner matches a partial
        # index's predicate (tasks' open, live rows) only inside it, never inside IS TRUE.
        # IS NOT TRUE keeps rows whose expression is NULL under "No".
        column = self.get_column(alias)
        return query.filter(column if value else column.is_not(True))

    def operation(self) -> Any:
        return lazy_gettext("equals")


class NumberFilter(HybridFilter):
    cast: Callable[[str], Any] = staticmethod(clean_int)

    def clean(self, value: str) -> Any:
        return self.cast(value)


class NumberEquals(NumberFilter, sqla.FilterEqual):
    pass


class NumberGreater(NumberFilter, sqla.FilterGreater):
    pass


class NumberSmaller(NumberFilter, sqla.FilterSmaller):
    pass


class NumberBetween(NumberFilter):
    """``10 to 20``, both ends included."""

    def clean(self, value: str) -> list[Any]:
        ends = [self.cast(part) for part in value.split(" to ")]
        if len(ends) != 2 or ends[0] > ends[1]:
            raise ValueError(f"{value!r} is not 'low to high'")
        return ends

    def apply(self, query: Any, value: list[Any], alias: Any = None) -> Any:
        return query.filter(self.get_column(alias).between(value[0], value[1]))

    def operation(self) -> Any:
        return lazy_gettext("between")


class TextContains(HybridFilter, sqla.FilterLike):
    pass


class TextEquals(HybridFilter, sqla.FilterEqual):
    pass


NUMBER_FILTERS = (NumberEquals, NumberGreater, NumberSmaller, NumberBetween)
FILTERS_BY_FAMILY: dict[str, tuple[type[HybridFilter], ...]] = {
    "boolean": (HybridIs,),
    "integer": NUMBER_FILTERS,
    "number": NUMBER_FILTERS,
    "text": (TextContains, TextEquals),
}


def hybrid_filters(model: type, name: str, label: str) -> list[HybridFilter]:
    """The filters that fit the hybrid's SQL type, bound to ``model``; none for other types."""
    family = type_family(hybrid_type(model, name))
    made = []
    for filter_class in FILTERS_BY_FAMILY.get(family or "", ()):
        flt = filter_class(name, label)
        if family == "number":
            flt.cast = clean_float  # type: ignore[attr-defined]
        flt.bind(model)
        made.append(flt)
    return made
