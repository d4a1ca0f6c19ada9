"""List pages every console view shares: hybrid filters and sorting, eager loading and
full-text search."""

from __future__ import annotations

from typing import Any

from flask_admin.contrib.sqla import ModelView
from sqlalchemy import literal_column, select

from admin_app.admin import loading
from admin_app.admin.filters import hybrid_filters
from admin_app.admin.hybrids import hybrid_expression, hybrid_names
from admin_app.extensions import db
from admin_app.models.search import ranked_matches, searchable_columns


class ListBehaviour(ModelView):
    # Hybrids: every one is a list column, a filter and a sort key.
    def get_list_columns(self) -> list[tuple[str, str]]:
        columns = super().get_list_columns()
        hidden = {name for name, _ in columns} | set(self.column_exclude_list or ())
        extra = [name for name in hybrid_names(self.model) if name not in hidden]
        return columns + self.get_column_names(extra, None)

    def get_sortable_columns(self) -> dict[Any, Any]:
        sortable = super().get_sortable_columns()
        # The value only marks the column sortable; _apply_sorting builds the expression per query.
        return sortable | {name: name for name in hybrid_names(self.model)}

    def get_filters(self) -> list[Any] | None:
        filters = list(super().get_filters() or ())
        for name in hybrid_names(self.model):
            if name not in (self.column_filters or ()):
                filters.extend(self.scaffold_filters(name) or ())
        return filters or None

    def scaffold_filters(self, name: Any) -> list[Any] | None:
        if name in hybrid_names(self.model):
            return hybrid_filters(self.model, name, self.get_column_name(name))
        return super().scaffold_filters(name)

    def _sorted(self, query: Any, joins: Any, sort: Any, desc: bool, ranking: Any) -> Any:
        if ranking is not None:
            # The join keeps the matches; with no sort chosen it also puts the best first.
            query = query.join(ranking, ranking.c.id == self.model.id)
            if sort is None:
                return query.order_by(ranking.c.score, self.model.id), joins
        if sort not in hybrid_names(self.model):
            return self._apply_sorting(query, joins, sort, desc)
        expression = hybrid_expression(self.model, sort)
        # The primary key breaks ties, so rows never swap pages between requests.
        ordered = expression.desc() if desc else expression.asc()
        return query.order_by(ordered, self.model.id), joins

    # Loading: related objects and hybrid values come with the page, not per row.
    def scaffold_auto_joins(self) -> list[Any]:
        return []  # loading.eager_options loads what the columns show, collections included

    def get_list(
        self,
        page: int | None,
        sort_column: Any,
        sort_desc: bool,
        search: str | None,
        filters: Any,
        execute: bool = True,
        page_size: int | None = None,
    ) -> Any:
        count, query = self.list_query(page, sort_column, sort_desc, search, filters, page_size)
        query, hybrids = loading.prepare(query, self.model, loading.column_keys(self._list_columns))
        return count, loading.fetch(query, hybrids) if execute else query

    def list_query(
        self,
        page: int | None,
        sort_column: Any,
        sort_desc: bool,
        search: str | None,
        filters: Any,
        page_size: int | None,
    ) -> tuple[int | None, Any]:
        """The row count and the page's query: search, then filters, then sort and page."""
        joins: dict[Any, Any] = {}
        count_joins: dict[Any, Any] = {}
        query = self.get_query()
        count_query = None if self.simple_list_pager else self.get_count_query()
        ranking = None
        if self._search_supported and search:
            query, count_query, ranking = self._searched(query, count_query, search)
        if filters and self._filters:
            query, count_query, joins, count_joins = self._apply_filters(
                query, count_query, joins, count_joins, filters
            )
        count = count_query.scalar() if count_query is not None else None
        query, joins = self._sorted(query, joins, sort_column, sort_desc, ranking)
        return count, self._apply_pagination(query, page, page_size)

    def _get_field_value(self, model: Any, name: Any) -> Any:
        selected, value = loading.selected_value(model, name)
        return value if selected else super()._get_field_value(model, name)

    # Search: full-text for models that declare __searchable__, LIKE for the rest.
    def init_search(self) -> bool:
        return bool(super().init_search() or searchable_columns(self.model))

    def search_placeholder(self) -> str | None:
        names = searchable_columns(self.model)
        if not names:
            return super().search_placeholder()
        return ", ".join(self.get_column_name(name) for name in names)

    def _searched(self, query: Any, count_query: Any, search: str) -> tuple[Any, Any, Any]:
        """Narrow both queries to the matches; full-text search also returns its ranking."""
        if not searchable_columns(self.model):
            query, count_query, _, _ = self._apply_search(query, count_query, {}, {}, search)
            return query, count_query, None
        if not search.strip():
            return query, count_query, None
        ranking = ranked_matches(db.session, self.model, search)
        if ranking is None:  # no letters or digits: nothing matches
            matches = literal_column("1") == 0
            query = query.filter(matches)
        else:
            # The list query joins the ranking in _sorted, which both filters and can order by
            # relevance; the count only needs the ids.
            matches = self.model.id.in_(select(ranking.c.id))
        if count_query is not None:
            count_query = count_query.filter(matches)
        return query, count_query, ranking
