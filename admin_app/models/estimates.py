"""Counts that never scan a big table: exact up to a threshold, the planner's figure above it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, column, func, literal, select, table
from sqlalchemy.orm import Session, scoped_session

EXACT, ABOUT, AT_LEAST = "exact", "about", "at_least"
FAR_ABOVE = 3  # an estimate this many thresholds up is trusted without counting
_PG_CLASS = table("pg_class", column("relname"), column("reltuples"))


class ListCount(int):
    """A row count as a page shows it: ``1,234``, ``about 1,000,000`` or ``10,000+``.

    An int, so pagers compute pages from it; ``kind`` says how far to trust it.
    """

    kind: str

    def __new__(cls, value: int, kind: str = EXACT) -> ListCount:
        count = super().__new__(cls, value)
        count.kind = kind
        return count

    @property
    def is_exact(self) -> bool:
        return self.kind == EXACT

    def __str__(self) -> str:
        if self.kind == ABOUT:
            return f"about {int(self):,}"
        if self.kind == AT_LEAST:
            return f"{int(self):,}+"
        return f"{int(self):,}"

    def as_json(self) -> dict[str, Any]:
        return {"value": int(self), "exact": self.is_exact, "text": str(self)}


def _three_figures(value: float) -> int:
    # An estimate shown to the last digit would claim a precision it does not have.
    whole = round(value)
    return round(whole, 3 - len(str(whole)))


def bounded_count(
    session: Session | scoped_session[Any],
    rows: Any,
    *,
    threshold: int,
    estimate_index: str | None = None,
    keep_order: bool = False,
) -> ListCount:
    """Count ``rows`` (a select or ORM query) reading at most ``threshold + 1`` of them.

    Above the threshold: on PostgreSQL, with ``estimate_index`` (a partial index holding
    exactly the rows counted), the planner's row estimate for that index, in the same
    query; otherwise the threshold as a floor. One query either way. ``keep_order`` counts
    in the rows' own order (an index walk), rather than letting the planner collect them.
    """
    options = rows.get_execution_options() if hasattr(rows, "get_execution_options") else {}
    rows = rows if keep_order else rows.order_by(None)
    (count,) = bounded_counts(session, [(rows, estimate_index)], threshold=threshold, **options)
    return count


def bounded_counts(
    session: Session | scoped_session[Any],
    counted: list[tuple[Any, str | None]],
    *,
    threshold: int,
    **options: Any,
) -> list[ListCount]:
    """Several bounded counts (rows, estimate index) in one query; see bounded_count."""
    is_pg = session.get_bind().dialect.name == "postgresql"
    columns: list[Any] = []
    for rows, index in counted:
        estimate = _reltuples(index) if index and is_pg else None
        columns += _bounded(rows, estimate, threshold)
    found = session.execute(select(*columns).execution_options(**options)).one()
    return [_shown(found[n], found[n + 1], threshold) for n in range(0, len(found), 2)]


def _reltuples(relation: str) -> Any:
    """The planner's row count of a table or index, as a scalar subquery (PostgreSQL)."""
    return select(_PG_CLASS.c.reltuples).where(_PG_CLASS.c.relname == relation).scalar_subquery()


def bounded_distinct_statement(rows: Any, *, threshold: int, estimate: Any = None) -> Any:
    """A count of ``rows`` (a SELECT DISTINCT, say) reading at most ``threshold + 1`` of them.

    ``estimate``: a scalar SQL expression for the planner's figure (None: none), used as in
    bounded_count when far above the threshold. Run it with read_bounded_count; it holds no
    values of its own, so it can be built once and run often.
    """
    options = rows.get_execution_options()  # with_deleted() on ``rows`` must reach the count
    if estimate is None:
        counted = select(*_bounded(rows, None, threshold))
    else:
        # Read once from a derived table: the CASE and the column then share one plan of it.
        known = select(estimate.label("n")).subquery()
        counted = select(*_bounded(rows, known.c.n, threshold)).select_from(known)
    return counted.execution_options(**options)


def read_bounded_count(
    session: Session | scoped_session[Any], counted: Any, *, threshold: int
) -> ListCount:
    """Run a bounded_distinct_statement: the count, or the estimate or floor above it."""
    found = session.execute(counted).one()
    return _shown(found[0], found[1], threshold)


def _bounded(rows: Any, estimate: Any, threshold: int) -> list[Any]:
    """The (count, estimate) columns of one bounded count."""
    limited = rows.limit(threshold + 1).subquery()
    exact = select(func.count()).select_from(limited).scalar_subquery()
    if estimate is None:
        return [exact, literal(None)]
    # Far above the threshold the estimate is the answer: PostgreSQL evaluates only the CASE
    # branch it takes, so the bounded count is not even read.
    return [case((estimate > FAR_ABOVE * threshold, -1), else_=exact), estimate]


def _shown(found: int, estimate: float | None, threshold: int) -> ListCount:
    if 0 <= found <= threshold:
        return ListCount(found)
    # reltuples is -1 (or 0) until the table has been analysed: no estimate yet.
    if estimate is not None and estimate > threshold:
        return ListCount(_three_figures(estimate), ABOUT)
    return ListCount(threshold, AT_LEAST)


SAMPLE_ROWS = 1000  # rows of a list walked to see how dense a search's matches are
DENSE_HITS = 20  # matches in the sample that make a search "many": a page within the sample


def sampled_count(
    session: Session | scoped_session[Any],
    walk: Any,
    matches: Any,
    condition: Any,
    *,
    threshold: int,
    estimate_index: str | None = None,
    sample_rows: int | None = None,
) -> ListCount:
    """Count ``matches`` (``walk``, an ordered query of ids, narrowed by ``condition``) cheaply.

    The first ``SAMPLE_ROWS`` rows of ``walk``, in its order, show how dense the matches
    are. Dense (``DENSE_HITS`` or more): walking the list finds a page within the sample, and
    the count is that density times the planner's size of the list ("about ...", with
    ``estimate_index``), else at least the matches seen; nothing more is read. Sparse: the
    bounded count of ``matches``, which are then few enough to count through the search
    index. A list shorter than the sample is counted exactly by the sample itself. One query.
    ``sample_rows`` replaces ``SAMPLE_ROWS`` where a row costs more to check (SQLite per row).
    """
    options = walk.get_execution_options() if hasattr(walk, "get_execution_options") else {}
    hit = case((condition, 1), else_=0).label("hit")
    sample = walk.add_columns(hit).limit(sample_rows or SAMPLE_ROWS).subquery()
    hits = func.coalesce(func.sum(sample.c.hit), 0)
    limited = matches.order_by(None).limit(threshold + 1).subquery()
    exact = select(func.count()).select_from(limited).scalar_subquery()
    is_pg = session.get_bind().dialect.name == "postgresql"
    estimate = _reltuples(estimate_index) if estimate_index and is_pg else literal(None)
    # The exact count sits in the CASE branch a dense sample does not take: never read then.
    stmt = select(hits, func.count(), case((hits >= DENSE_HITS, -1), else_=exact), estimate)
    found, walked, counted, size = session.execute(
        stmt.select_from(sample).execution_options(**options)
    ).one()
    if walked < (sample_rows or SAMPLE_ROWS):
        return ListCount(int(found))  # the sample was the whole list
    if counted >= 0:
        return _shown(counted, None, threshold)
    if size is not None and size > 0:
        return ListCount(max(_three_figures(found / walked * size), int(found)), ABOUT)
    return ListCount(int(found), AT_LEAST)
