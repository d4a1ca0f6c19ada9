"""List pages every console view shares: hybrid filters and sorting, eager loading and
full-text search."""

from __future__ import annotations

import functools
from typing import Any

from flask import current_app, g
from flask_admin.contrib.sqla import ModelView
from sqlalchemy import literal_column, select

from admin_app.admin import list_urls, loading, paging
from admin_app.admin.filters import hybrid_filters
from admin_app.admin.hybrids import hybrid_expression, hybrid_names, stored_hybrids
from admin_app.config import settings_of
from admin_app.extensions import db
from admin_app.models.estimates import ListCount, bounded_count, sampled_count
from admin_app.models.search import (
    match_filter,
    ranked_matches,
    row_score,
    searchable_columns,
    sqlite_matches_at_least,
)
from admin_app.soft_delete import is_soft_deletable

RANKED_MATCHES_AT_MOST = 1_000  # more matches than this: walk the sort index instead
# Rows a search checked per row (SQLite, a very common word) samples for its density: each
# costs an FTS5 query, and a word in that many rows is dense enough to show in fewer.
PER_ROW_SAMPLE_ROWS = 250


@functools.cache
def unique_columns(model: Any) -> frozenset[str]:
    """Columns unique on their own among the rows a list shows (live-only unique indexes)."""
    indexes = [ix for ix in model.__table__.indexes if ix.unique and len(ix.columns) == 1]
    return frozenset(column.key for ix in indexes for column in ix.columns)


def _same_list(link: Any, shown: Any) -> bool:
    """Whether a link shows the same rows in the same order as the page shown (another page)."""
    keys = ("sort", "sort_desc", "search", "page_size")
    # ViewArgs.clone turns no filters ([]) into None: compare what they mean.
    same_filters = (link.filters or None) == (shown.filters or None)
    return same_filters and all(getattr(link, k) == getattr(shown, k) for k in keys)


class ListBehaviour(ModelView):
    # Hybrids: every one is a list column and a filter; stored ones are sort keys too.
    def get_list_columns(self) -> list[tuple[str, str]]:
        columns = super().get_list_columns()
        hidden = {name for name, _ in columns} | set(self.column_exclude_list or ())
        extra = [name for name in hybrid_names(self.model) if name not in hidden]
        return columns + self.get_column_names(extra, None)

    def get_sortable_columns(self) -> dict[Any, Any]:
        sortable = super().get_sortable_columns()
        # The value only marks the column sortable; _sorted builds the expression per query.
        return sortable | {name: name for name in stored_hybrids(self.model)}

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
        sort, desc = self.effective_sort(sort, desc)
        if sort in hybrid_names(self.model):
            expression = hybrid_expression(self.model, sort)
            query = query.order_by(expression.desc() if desc else expression.asc())
        else:
            query, joins = self._apply_sorting(query, joins, sort, desc)
            if sort in unique_columns(self.model):
                return query, joins  # no ties to break: its unique index serves the order
        # The primary key breaks ties, in the same direction, so an index on (column, id)
        # is walked rather than the table sorted, and rows never swap pages.
        return query.order_by(self.model.id.desc() if desc else self.model.id.asc()), joins

    def effective_sort(self, sort: Any, desc: bool) -> tuple[Any, bool]:
        """The sort a list runs: the chosen one, else the view's default (as a column name).

        Flask-Admin hands over any listed column's index as ``sort``; one the list does not
        offer (a hybrid with no stored column, say) would sort the whole table: the default.
        """
        if sort is not None and sort in self._sortable_columns:
            return sort, desc
        default = self.column_default_sort
        if isinstance(default, list):
            default = default[0]
        if isinstance(default, tuple):
            name, default_desc = default
        else:
            name, default_desc = default, False
        return (name if name in self._sortable_columns else None), bool(default_desc)

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
        """Count, then choose the page's ids through the sort index, then load those rows.

        Hybrid values and relations are computed for the page's rows only; a page costs the
        operator's load, the count, the ids and the rows: four queries at any table size.
        """
        query, count, ranked = self._chosen(sort_column, sort_desc, search, filters)
        size = page_size if page_size is not None else self.page_size
        columns = loading.column_keys(self._list_columns)
        if not execute:
            paged = self._apply_pagination(query, page, size)
            return count, loading.prepare(paged, self.model, columns)[0]
        ids = paging.page_ids(
            self.model,
            query,
            page=page or 0,
            size=size,
            count=count,
            reversed_query=self._reversed(sort_column, sort_desc, search, filters),
            key=None if ranked else self.sort_key(sort_column, sort_desc),
        )
        named = [c for c in columns if c not in (self.column_formatters or {})]
        return count, loading.fetch_page(db.session, self.model, ids, columns, named=named)

    def _chosen(self, sort: Any, desc: bool, search: str | None, filters: Any) -> Any:
        """The list's query and count; a search ranks its matches only when they are few.

        A common word matches most rows: ranking them all would read every match. Then the
        list walks its sort index and keeps the rows that match, as for any other filter.
        """
        plain = not (search or filters)
        walk = self.ordered_query(sort, desc, search, filters, ranked=False)
        condition, per_row = self._full_text(search)
        if condition is None:
            count = self.list_count(walk, plain=plain)
        else:
            sample = PER_ROW_SAMPLE_ROWS if per_row else None
            count = self.search_count(sort, desc, filters, walk, condition, sample_rows=sample)
        few = count.is_exact and count <= RANKED_MATCHES_AT_MOST
        if search and sort is None and few and searchable_columns(self.model):
            return self.ordered_query(sort, desc, search, filters), count, True
        return walk, count, False

    def sort_key(self, sort: Any, desc: bool) -> paging.SortKey | None:
        """The list's sort as a keyset for the pager's cursors: a column or stored hybrid of
        the model itself (a sort through a relation pages by number only)."""
        name, desc = self.effective_sort(sort, desc)
        if name in hybrid_names(self.model):
            column = hybrid_expression(self.model, name)
        elif isinstance(name, str) and name in self.model.__table__.columns:
            column = getattr(self.model, name)
        else:
            return None
        return paging.SortKey(f"{name}:{'desc' if desc else 'asc'}", column, desc)

    def _get_list_url(self, view_args: Any) -> str:
        # A link to a nearby page of the same list carries the cursor of the page shown.
        extra = {
            k: v for k, v in view_args.extra_args.items() if k not in (paging.AFTER, paging.BEFORE)
        }
        if _same_list(view_args, list_urls.shown_args(self)):
            extra |= paging.link_cursor(view_args.page)
            return list_urls.list_url(self, view_args.clone(extra_args=extra))
        # Another order or other rows: page numbers of this one mean nothing there.
        return list_urls.list_url(self, view_args.clone(extra_args=extra, page=None))

    def _reversed(self, sort: Any, desc: bool, search: str | None, filters: Any) -> Any:
        if search and sort is None:
            return None  # best matches first has no "last" to read backwards from
        name, desc = self.effective_sort(sort, desc)
        if name is None:
            return None
        return lambda: self.ordered_query(name, not desc, search, filters)

    def ordered_query(
        self, sort: Any, desc: bool, search: str | None, filters: Any, *, ranked: bool = True
    ) -> Any:
        """The list's rows, searched, filtered and sorted, before any page is cut.

        ``ranked``: a search joins its ranking (best first when no sort is chosen); without
        it the matches are only filtered, and the list keeps its sort.
        """
        joins: dict[Any, Any] = {}
        query, ranking, score = self.get_query(), None, None
        if self._search_supported and search:
            query, _, ranking = self._searched(query, None, search)
            if ranking is not None and ranked and sort is None:
                score = row_score(db.session, self.model, search)
            if ranking is not None and (not ranked or score is not None):
                # Filtered on the row itself, and ranked there too where the engine can.
                query, ranking = self._matching(search), None
        if filters and self._filters:
            query, _, joins, _ = self._apply_filters(query, None, joins, {}, filters)
        if score is not None:
            return query.order_by(score[0], self.model.id, *score[1:])
        return self._sorted(query, joins, sort, desc, ranking)[0]

    def _matching(self, search: str) -> Any:
        # _searched returned a ranking, so the model is full-text searchable and terms exist.
        return self.get_query().filter(self._full_text(search)[0])

    def _full_text(self, search: str | None) -> tuple[Any, bool]:
        """The match condition of a full-text search (None for no search, or a LIKE one),
        and whether it checks each row walked.

        On SQLite a word in more rows than the count threshold is checked per row walked.
        Chosen once per request (``flask.g``): the sample, the count and the walk share it.
        """
        if not (search and self._search_supported and searchable_columns(self.model)):
            return None, False
        chosen = g.setdefault("full_text_conditions", {})
        key = (self.endpoint, search)
        if key not in chosen:
            threshold = settings_of(current_app)["lists"]["count_threshold"]
            per_row = sqlite_matches_at_least(db.session, self.model, search, threshold)
            chosen[key] = (match_filter(db.session, self.model, search, per_row=per_row), per_row)
        return chosen[key]

    def search_count(
        self,
        sort: Any,
        desc: bool,
        filters: Any,
        matches: Any,
        condition: Any,
        *,
        sample_rows: int | None = None,
    ) -> ListCount:
        """A search's count from how dense its matches are along the list's own walk."""
        walk = self.ordered_query(sort, desc, None, filters, ranked=False)
        return sampled_count(
            db.session,
            walk.with_entities(self.model.id),
            matches.with_entities(self.model.id),
            condition,
            threshold=settings_of(current_app)["lists"]["count_threshold"],
            estimate_index=None if filters else self.count_estimate_index,
            sample_rows=sample_rows,
        )

    def list_count(self, query: Any, *, plain: bool) -> ListCount:
        settings = settings_of(current_app)["lists"]
        # Only an unfiltered list holds exactly the rows its estimate index counts.
        index = self.count_estimate_index if plain else None
        # Counted in the list's order: the threshold's rows are then the first ones the sort
        # index meets, not every match collected first. The id alone, so the sort index
        # (which holds it) answers: SQLite read each counted row's whole record otherwise.
        return bounded_count(
            db.session,
            query.with_entities(self.model.id),
            threshold=settings["count_threshold"],
            estimate_index=index,
            keep_order=True,
        )

    @property
    def count_estimate_index(self) -> str:
        """What the planner counts for this list: the live rows' partial index, or the table."""
        table = self.model.__tablename__
        return f"ix_{table}_created_at_live" if is_soft_deletable(self.model) else table

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
