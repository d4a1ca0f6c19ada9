"""Every list's default page and every sort it offers walks an index: no full scan plus sort.

Seeded with the bench data at a small scale, a tenth of the posts (and their comments) in the
trash, and analysed: with trashed rows, SQLite's statistics once made ``deleted_at IS NULL``
look selective through a deleted_at index, and lists read every live row, then sorted them
(migration 0016). On PostgreSQL sequential scans and
full sorts are priced out (``enable_seqscan``, ``enable_sort`` off), so a plan that still
reads the whole table or sorts it has no index that serves the order; at small sizes the
planner would rightly sort a few rows instead. The statement checked is the one the page
really ran to choose its rows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from admin_app.extensions import db
from admin_app.models import Role
from seeds.bench import seed_bench
from seeds.bench_extras import seed_trash
from tests.functional.admin.pages import filter_arg, get_page
from tests.functional.admin.test_scale_plans import _pg_nodes, _statements

pytestmark = pytest.mark.bigtable
SCALE = 3000
CONTENT = ("user", "profile", "post", "tag", "comment", "task")
LISTS = (*CONTENT, *(f"{name}_trash" for name in CONTENT))


@pytest.fixture
def bench_rows(session: Any) -> None:
    seed_bench(session, scale=SCALE)
    seed_trash(session, posts=SCALE // 10)
    session.execute(text("ANALYZE"))
    session.commit()


def _views(app: Any) -> Iterator[Any]:
    for view in app.extensions["admin_app.console"]._views:
        if getattr(view, "endpoint", None) in LISTS:
            yield view


def _orders(view: Any) -> Iterator[dict[str, Any]]:
    yield {}
    for index, (name, _) in enumerate(view._list_columns):
        if name in view._sortable_columns:
            yield {"sort": index}
            yield {"sort": index, "desc": 1}


def _page_statement(client: Any, url: str, params: dict[str, Any], table: str) -> tuple[str, Any]:
    seen = _statements(client, url, **params)
    chosen = [s for s in seen if s[0].lstrip().startswith(f"SELECT {table}.id") and "LIMIT" in s[0]]
    assert len(chosen) == 1, [s[0][:120] for s in seen]
    return chosen[0]


def _postgresql_problems(statement: str, parameters: Any, table: str) -> list[str]:
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_sort = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + statement, parameters)
        plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
    finally:
        raw.rollback()
        raw.close()
    problems = []
    for node in _nodes(plan[0]["Plan"]):
        if node["Node Type"] == "Sort":
            problems.append(f"Sort on {node.get('Sort Key')}")
        if node["Node Type"] == "Seq Scan" and node.get("Relation Name") == table:
            problems.append(f"Seq Scan on {table}")
    return problems


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", ()):
        yield from _nodes(child)


def _sqlite_problems(statement: str, parameters: Any, table: str) -> list[str]:
    rows = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
    details = [row[-1] for row in rows]
    # A temp B-tree for the whole ORDER BY means every row was read, then sorted.
    return [d for d in details if d == "USE TEMP B-TREE FOR ORDER BY" or d == f"SCAN {table}"]


def test_every_list_order_walks_an_index(app, client, as_role, bench_rows, dialect):
    as_role(Role.VIEWER)
    checked, problems = 0, {}
    for view in _views(app):
        table = view.model.__tablename__
        for params in _orders(view):
            statement, parameters = _page_statement(client, view.url + "/", params, table)
            check = _postgresql_problems if dialect == "postgresql" else _sqlite_problems
            found = check(statement, parameters, table)
            if found:
                problems[f"{view.endpoint} {params}"] = found
            checked += 1
    assert checked >= 40
    assert problems == {}


def _count_statement(client: Any, url: str) -> tuple[str, Any]:
    seen = _statements(client, url)
    chosen = [s for s in seen if "count(*)" in s[0]]
    assert len(chosen) == 1, [s[0][:120] for s in seen]
    return chosen[0]


def test_every_list_counts_its_rows_from_the_sort_index_alone(
    app, client, as_role, bench_rows, dialect
):
    # The count reads up to count_threshold + 1 rows in the list's order. Selecting the whole
    # row there made SQLite read each one from the table: 10,000 records (bodies included)
    # per page view, 0.1 to 0.5 s at 100k posts, where the index's ids answer in 1 ms.
    as_role(Role.VIEWER)
    wide = {}
    for view in _views(app):
        table = view.model.__tablename__
        statement, parameters = _count_statement(client, view.url + "/")
        if not re.search(rf"\(SELECT {table}\.id AS id\s+FROM {table}\b", statement):
            wide[view.endpoint] = statement[:160]
        elif dialect == "sqlite" and view.endpoint.endswith("_trash"):
            details = _sqlite_details(statement, parameters)
            assert any(f"COVERING INDEX ix_{table}_trashed" in d for d in details), details
    assert wide == {}


def _sqlite_details(statement: str, parameters: Any) -> list[str]:
    rows = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
    return [row[-1] for row in rows]


def _joined_problems(statement: str, parameters: Any, dialect: str) -> list[str]:
    if dialect == "sqlite":
        rows = db.session.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN " + statement, parameters
        )
        # A materialized join is built from every row of its tables before the page's ids
        # narrow it: a collection's links for the whole table, per page.
        return [row[-1] for row in rows if row[-1].startswith("MATERIALIZE")]
    return [
        f"Seq Scan on {node.get('Relation Name')}"
        for node in _pg_nodes(statement, parameters)
        if node["Node Type"] == "Seq Scan"
    ]


def test_a_page_loads_its_rows_and_what_they_show_through_indexes(
    app, client, as_role, bench_rows, dialect
):
    """The page's rows come with their author, tags, post... read by key for those rows
    only, never by first joining the related tables whole."""
    as_role(Role.VIEWER)
    problems = {}
    for view in _views(app):
        table = view.model.__tablename__
        for statement, parameters in _statements(client, view.url + "/"):
            if f"WHERE {table}.id IN" in statement or "IN (__[POSTCOMPILE" in statement:
                found = _joined_problems(statement, parameters, dialect)
                if found:
                    problems[f"{view.endpoint}: {statement[:80]}"] = found
    assert problems == {}


def test_the_overdue_tasks_list_tests_each_task_in_an_index(client, as_role, bench_rows, dialect):
    """Filtered to overdue tasks in its default order (newest first), the list walks open,
    live tasks by created_at with their due date in the index: at 100,000 tasks its first
    page sat behind 38,000 tasks read from the table one by one (12 ms of SQL), because
    "done_at IS NULL" inside "(...) IS true" matched no partial index."""
    as_role(Role.VIEWER)
    page = get_page(client, "/admin/task/")
    overdue = filter_arg(page, "Is Overdue", "equals")
    seen = _statements(client, "/admin/task/", **{overdue: "1"})
    chosen = [s for s in seen if s[0].lstrip().startswith("SELECT tasks.id") and "LIMIT" in s[0]]
    assert len(chosen) == 1, [s[0][:120] for s in seen]
    statement, parameters = chosen[0]
    assert "IS true" not in statement
    if dialect == "postgresql":
        nodes = _pg_nodes(statement, parameters)
        scans = {(n["Node Type"], n.get("Index Name")) for n in nodes if "Scan" in n["Node Type"]}
        assert scans == {("Index Only Scan", "ix_tasks_open_created")}, scans
        assert "Sort" not in {n["Node Type"] for n in nodes}
    else:
        # SQLite takes "done_at IS NULL" to ix_tasks_done_at_live and sorts the open tasks
        # (2.4 ms at 10,000 tasks); it must not read the whole table.
        details = _sqlite_details(statement, parameters)
        assert any(d.startswith("SEARCH tasks USING") for d in details), details
        assert "SCAN tasks" not in details, details
