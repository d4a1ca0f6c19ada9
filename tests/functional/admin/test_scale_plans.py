"""Search, the recycle bin, the audit list and history read what they show through indexes.

Seeded with the bench data at a small scale (plus audit entries and trashed posts) and
analysed; on PostgreSQL sequential scans are priced out, as in test_list_plans. What each
page must not do: a common word ranks (or sorts) every match, a rare word walks the list
to find its few, the recycle bin groups every trashed row, the audit list or a record's
history reads the whole trail.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, select, text

from admin_app.config import settings_of
from admin_app.extensions import db
from admin_app.models import AuditEntry, Role
from seeds.bench import seed_bench
from seeds.bench_extras import seed_audit, seed_trash
from tests.functional.admin.pages import get_page

pytestmark = pytest.mark.bigtable
SCALE = 3000
COMMON, RARE, PHRASE = "pool", "zezeze ", '"connection pool"'


@pytest.fixture
def bench_rows(session: Any) -> None:
    seed_bench(session, scale=SCALE)
    seed_trash(session, posts=300)
    seed_audit(session, entries=15_000)
    session.commit()
    session.execute(text("ANALYZE"))
    session.commit()


def _statements(client: Any, url: str, **params: Any) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        get_page(client, url, **params)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return seen


def _one(seen: list[tuple[str, Any]], start: str, *contains: str) -> tuple[str, Any]:
    chosen = [
        s for s in seen if s[0].lstrip().startswith(start) and all(c in s[0] for c in contains)
    ]
    assert len(chosen) == 1, [s[0][:120] for s in seen]
    return chosen[0]


def _pg_nodes(statement: str, parameters: Any) -> list[dict[str, Any]]:
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + statement, parameters)
        plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
    finally:
        raw.rollback()
        raw.close()
    return list(_walk(plan[0]["Plan"]))


def _walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", ()):
        yield from _walk(child)


def _sqlite_details(statement: str, parameters: Any) -> list[str]:
    rows = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
    return [row[-1] for row in rows]


def _indexes(nodes: list[dict[str, Any]]) -> set[str]:
    return {n["Index Name"] for n in nodes if "Index Name" in n}


def _types(nodes: list[dict[str, Any]]) -> set[str]:
    return {n["Node Type"] for n in nodes}


def _page_ids(client: Any, search: str) -> tuple[str, Any]:
    seen = _statements(client, "/admin/post/", search=search)
    return _one(seen, "SELECT posts.id", "LIMIT")


def test_a_common_word_walks_the_sort_index_and_filters(
    app, client, as_role, bench_rows, dialect, monkeypatch
):
    as_role(Role.VIEWER)
    if dialect == "sqlite":
        # A whole word (not the prefix being typed) in more posts than the count threshold
        # is checked per row walked, not collected whole first: 400 ms to 26 ms a page at
        # 100k posts. The bench scale is small, so the threshold comes down to meet it.
        monkeypatch.setitem(settings_of(app)["lists"], "count_threshold", 100)
        for search in (COMMON + " ", PHRASE, f"{COMMON} -connection"):
            details = _sqlite_details(*_page_ids(client, search))
            assert "SCAN posts USING INDEX ix_posts_created_at_live" in details, details
            assert not any("TEMP B-TREE" in d for d in details), details
        return
    for search in (COMMON, PHRASE):
        nodes = _pg_nodes(*_page_ids(client, search))
        assert "ix_posts_created_at_live" in _indexes(nodes), search
        assert not {"Sort", "Bitmap Heap Scan"} & _types(nodes), search


def test_a_rare_word_ranks_its_few_matches_through_the_search_index(
    client, as_role, bench_rows, dialect
):
    as_role(Role.VIEWER)
    statement, parameters = _page_ids(client, RARE)
    if dialect == "postgresql":
        nodes = _pg_nodes(statement, parameters)
        assert "ix_fts_posts" in _indexes(nodes)
        assert "ix_posts_created_at_live" not in _indexes(nodes)
        # A parallel worker costs more than ranking a few hundred rows.
        assert not {"Gather", "Gather Merge"} & _types(nodes)
    else:
        details = _sqlite_details(statement, parameters)
        assert any("fts_posts VIRTUAL TABLE INDEX" in d for d in details), details
        assert not any("ix_posts_created_at_live" in d for d in details), details


def test_the_recycle_bin_reads_the_newest_trashed_rows_only(client, as_role, bench_rows, dialect):
    as_role(Role.VIEWER)
    seen = _statements(client, "/admin/trash/")
    walk = _one(seen, "SELECT anon_1.batch, anon_1.at")
    if dialect == "postgresql":
        nodes = _pg_nodes(*walk)
        for table in ("posts", "comments"):
            reads = [n for n in nodes if n.get("Relation Name") == table]
            assert reads, table
            # Newest deleted first, through an index on deleted_at, stopped at the page's need.
            assert all(
                "deleted_at" in n.get("Index Name", "") or "trashed" in n.get("Index Name", "")
                for n in reads
            ), reads
        assert "Seq Scan" not in _types(nodes)
        assert all(n.get("Plan Rows", 0) <= 1000 for n in nodes if n["Node Type"] == "Sort")
    else:
        details = _sqlite_details(*walk)
        assert any("ix_posts_trashed" in d for d in details), details
        assert not any(d.startswith("SCAN posts") and "INDEX" not in d for d in details)
    # The count of batches reads the trashed rows' index alone, never the rows themselves.
    counted = _one(seen, "SELECT", "count(*)", "DISTINCT")
    if dialect == "postgresql":
        nodes = _pg_nodes(*counted)
        assert "Seq Scan" not in _types(nodes)
        assert {"ix_posts_trashed", "ix_comments_trashed"} <= _indexes(nodes)
    else:
        details = _sqlite_details(*counted)
        for table in ("posts", "comments"):
            assert any(f"COVERING INDEX ix_{table}_trashed" in d for d in details), details


def test_the_audit_list_and_a_history_read_their_indexes(client, as_role, bench_rows, dialect):
    as_role(Role.VIEWER)
    listed = _one(_statements(client, "/admin/audit/"), "SELECT audit_entries.id", "LIMIT")
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.occurred_at.desc())).first()
    url = f"/admin/audit/history/{entry.entity_type}/{entry.entity_id}/"
    history = _one(_statements(client, url), "SELECT audit_entries.", "entity_id")
    for statement, index in (
        (listed, "ix_audit_entries_occurred_at"),
        (history, "ix_audit_entries_entity"),
    ):
        if dialect == "postgresql":
            nodes = _pg_nodes(*statement)
            assert index in _indexes(nodes)
            assert "Seq Scan" not in _types(nodes)
        else:
            details = _sqlite_details(*statement)
            assert any(index in d for d in details), details
    # The list's order (newest first, the id breaking ties) is the index's: nothing sorted.
    if dialect == "postgresql":
        assert not {"Sort", "Incremental Sort"} & _types(_pg_nodes(*listed))
    else:
        assert not any("TEMP B-TREE" in d for d in _sqlite_details(*listed))
