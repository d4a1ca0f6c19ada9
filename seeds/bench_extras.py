"""What the bench data lacks for the audit and trash pages: audit entries and trashed posts.

Both are made by the database itself (INSERT ... SELECT over a series, UPDATE ... FROM), in
chunks for the progress bar, so five million entries never pass through Python. Both can be
added to a database that already holds the bench data, once each. The same counts over the
same bench data give the same rows, ids included: every id is built from its ordinal.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import click
from sqlalchemy import text

from admin_app.models import DOMAIN_MODELS
from admin_app.models.counters import repair
from admin_app.models.query import AnySession
from admin_app.models.reports import rebuild_activity
from seeds.bench import counter_triggers

ANCHOR = datetime(2026, 1, 1, tzinfo=UTC)
AUDIT_SPAN = timedelta(days=330)  # entries spread over the bench year, oldest first
AUDIT_CHUNK = 250_000
TRASH_CHUNKS = 10
BENCH_ACTOR = "bench-seed"  # every seeded entry's actor prefix: how a second run is refused
EDITORS = 20
# uuid nibbles that keep seeded ids apart from each other and from uuid7() ones (version 7,
# variant 8 or 9): entry ids, transaction ids, delete batch ids.
ENTRY, TRANSACTION, BATCH = "7000", "7001", "7002"


def _uuid(is_pg: bool, millis: str, kind: str, ordinal: str) -> str:
    """SQL for a time-ordered UUID made from ``millis`` and ``ordinal`` (SQL integers)."""
    if is_pg:
        return (
            f"(lpad(to_hex({millis}), 12, '0') || '{kind}' || '8' || lpad(to_hex({ordinal}), 15, "
            "'0'))::uuid"
        )
    # UUIDType stores 32 hex digits on SQLite.
    return f"printf('%012x{kind}8%015x', {millis}, {ordinal})"


def _dashed(is_pg: bool, column: str) -> str:
    """SQL for a uuid column as ``str(uuid)`` writes it: audit entries name ids that way."""
    if is_pg:
        return f"{column}::text"
    parts = [(1, 8), (9, 4), (13, 4), (17, 4), (21, 12)]
    return " || '-' || ".join(f"lower(substr({column}, {a}, {n}))" for a, n in parts)


def _number_posts(session: AnySession, *, live_only: bool) -> int:
    """A temporary table numbering the posts 0..n-1 in id order; returns n."""
    session.execute(text("DROP TABLE IF EXISTS bench_targets"))
    where = "WHERE deleted_at IS NULL" if live_only else ""
    session.execute(
        text(
            "CREATE TEMPORARY TABLE bench_targets AS "  # noqa: S608 - constants only
            "SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, title "
            f"FROM posts {where}"
        )
    )
    session.execute(text("CREATE INDEX ix_bench_targets_n ON bench_targets (n)"))
    session.execute(text("ANALYZE bench_targets"))  # or the planner guesses at its joins
    return int(session.execute(text("SELECT count(*) FROM bench_targets")).scalar_one())


def _refuse_twice(session: AnySession, sql: str, what: str) -> None:
    if session.execute(text(sql)).first() is not None:
        raise click.ClickException(f"bench {what} are already loaded; add them once")


def _chunked(total: int, size: int, label: str, step: Callable[[int, int], None]) -> None:
    with click.progressbar(length=total, label=label) as bar:
        for start in range(0, total, size):
            end = min(total, start + size)
            step(start, end)
            bar.update(end - start)


def _audit_sql(is_pg: bool, *, step_ms: int) -> str:
    anchor_ms = int(ANCHOR.timestamp() * 1000)
    millis = f"({anchor_ms} + g * {step_ms})"
    if is_pg:
        occurred = f"to_timestamp({millis} / 1000.0)"
        series = "generate_series(CAST(:start AS bigint), CAST(:end AS bigint) - 1) AS g"
        entity = "(g * 7919) % :posts"
        changes = (
            "json_build_object('title', json_build_array(t.title, t.title || ' (rev ' || g || ')'))"
        )
    else:
        occurred = f"strftime('%Y-%m-%d %H:%M:%S', {millis} / 1000, 'unixepoch') || '.000000'"
        series = (
            "(WITH RECURSIVE s(g) AS (SELECT :start UNION ALL SELECT g + 1 FROM s "
            "WHERE g + 1 < :end) SELECT g FROM s) AS seq"
        )
        entity = "(g * 7919) % :posts"
        changes = "json_object('title', json_array(t.title, t.title || ' (rev ' || g || ')'))"
    return (
        "INSERT INTO audit_entries (id, occurred_at, actor_id, actor_name, action, entity_type, "  # noqa: S608 - constants
        "entity_id, entity_repr, changes, transaction_id, request_id, remote_addr) "
        f"SELECT {_uuid(is_pg, millis, ENTRY, 'g')}, {occurred}, NULL, "
        f"'{BENCH_ACTOR}-' || (g % {EDITORS}), 'update', 'post', {_dashed(is_pg, 't.id')}, "
        f"substr(t.title, 1, 255), {changes}, "
        f"{_uuid(is_pg, millis, TRANSACTION, 'g / 3')}, NULL, NULL "  # three entries a transaction
        f"FROM {series} JOIN bench_targets t ON t.n = {entity}"
    )


def seed_audit(session: AnySession, *, entries: int) -> None:
    """Add ``entries`` update entries on the bench posts, about ``entries / posts`` each."""
    _refuse_twice(
        session,
        f"SELECT 1 FROM audit_entries WHERE actor_name = '{BENCH_ACTOR}-0' LIMIT 1",  # noqa: S608
        "audit entries",
    )
    is_pg = session.get_bind().dialect.name == "postgresql"
    posts = _number_posts(session, live_only=False)
    if not posts:
        raise click.ClickException("no posts to audit: load the bench data first")
    step_ms = max(1, int(AUDIT_SPAN.total_seconds() * 1000) // entries)
    statement = text(_audit_sql(is_pg, step_ms=step_ms))

    def insert(start: int, end: int) -> None:
        session.execute(statement, {"start": start, "end": end, "posts": posts})

    _chunked(entries, AUDIT_CHUNK, "Adding audit entries", insert)
    session.execute(text("DROP TABLE bench_targets"))


def _trash_sql(is_pg: bool, table: str, *, stride: int) -> str:
    """Trash every ``stride``-th post of ``[start, end)``, each in its own batch, now dated."""
    anchor_s = int(ANCHOR.timestamp())
    seconds = f"({anchor_s} + 300 * 86400 + t.n * 17)"  # distinct, in the bench year's last weeks
    when = (
        f"to_timestamp({seconds})"
        if is_pg
        else f"strftime('%Y-%m-%d %H:%M:%S', {seconds}, 'unixepoch') || '.000000'"
    )
    batch = _uuid(is_pg, f"({seconds} * 1000)", BATCH, "t.n")
    picked = f"t.n >= :start AND t.n < :end AND t.n % {stride} = 0"
    if table == "posts":
        return (
            f"UPDATE posts SET deleted_at = {when}, delete_batch = {batch} "  # noqa: S608
            f"FROM bench_targets t WHERE posts.id = t.id AND {picked}"
        )
    # A post's comments (replies included) go with it, in its batch, as soft_delete does.
    return (
        "UPDATE comments SET deleted_at = posts.deleted_at, delete_batch = posts.delete_batch "  # noqa: S608
        f"FROM bench_targets t JOIN posts ON posts.id = t.id WHERE comments.post_id = t.id "
        f"AND comments.deleted_at IS NULL AND {picked}"
    )


def seed_trash(session: AnySession, *, posts: int) -> None:
    """Move ``posts`` live posts (spread over the table) and their comments to the trash,
    one delete batch per post: that many batches in the recycle bin."""
    _refuse_twice(
        session,
        f"SELECT 1 FROM posts WHERE delete_batch IS NOT NULL AND {_batch_test(session)} LIMIT 1",  # noqa: S608
        "trashed posts",
    )
    is_pg = session.get_bind().dialect.name == "postgresql"
    live = _number_posts(session, live_only=True)
    if posts > live:
        raise click.ClickException(f"only {live:,} live posts to trash, not {posts:,}")
    stride = max(1, live // max(1, posts))
    span = stride * posts  # ordinals [0, span) hold exactly ``posts`` multiples of stride
    statements = [text(_trash_sql(is_pg, table, stride=stride)) for table in ("posts", "comments")]

    def trash(start: int, end: int) -> None:
        for statement in statements:
            session.execute(statement, {"start": start, "end": end})

    if is_pg:
        # Row triggers would update the same few tag, user and day rows 100,000 times in one
        # transaction (each update walking a longer chain of row versions); one repair pass
        # afterwards sets every count at once, as the bench load itself does.
        counter_triggers(session, "DISABLE")
    _chunked(span, max(1, -(-span // TRASH_CHUNKS)), "Trashing posts", trash)
    if is_pg:
        counter_triggers(session, "ENABLE")
        repair(session)
        rebuild_activity(session, list(DOMAIN_MODELS))
    session.execute(text("DROP TABLE bench_targets"))


def _batch_test(session: AnySession) -> str:
    # Seeded batch ids carry the BATCH nibbles, the variant and a zero-padded ordinal.
    if session.get_bind().dialect.name == "postgresql":
        return f"substr(delete_batch::text, 15, 9) = '{BATCH}-8000'"
    return f"substr(delete_batch, 13, 8) = '{BATCH}8000'"


def settle(engine: Any) -> float:
    """VACUUM (ANALYZE) the database on PostgreSQL, ANALYZE on SQLite; the seconds taken.

    Rows just COPYed are not yet marked all-visible, so every index-only scan the lists rely
    on (counts, the overdue tasks' walk) visits the table for each entry until autovacuum
    gets there: at 1M posts the bench's deep-page query then ran past the statement timeout.
    VACUUM cannot run inside a transaction, hence a connection of its own in autocommit.
    """
    started = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        is_pg = engine.dialect.name == "postgresql"
        connection.execute(text("VACUUM (ANALYZE)" if is_pg else "ANALYZE"))
    return time.perf_counter() - started


def analyse(session: AnySession) -> None:
    """Fresh statistics for the tables just grown: the planner's estimates are the counts."""
    for table in ("audit_entries", "posts", "comments"):
        session.execute(text(f"ANALYZE {table}"))
    session.commit()
