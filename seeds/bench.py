"""Large deterministic data for the benchmark: COPY on PostgreSQL, executemany on SQLite.

Scale N means N posts, N/100 users (each with a profile), N comments (one in ten a reply),
2N post-tag links over up to 200 tags and N/10 tasks. The same N always gives the same rows,
ids included.
"""

from __future__ import annotations

import csv
import io
import itertools
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import click
from sqlalchemy import func, select, text

from admin_app.models import DOMAIN_MODELS, User
from admin_app.models.counters import repair
from admin_app.models.posts import WORDS_PER_MINUTE
from admin_app.models.query import AnySession
from admin_app.models.reports import rebuild_activity
from admin_app.soft_delete import with_deleted

ANCHOR = datetime(2026, 1, 1, tzinfo=UTC)
CHUNK = 20_000
TOPICS = (
    "pool connection query index table row session cache latency replica vacuum planner "
    "tuple page lock commit rollback schema column value filter search audit trash restore"
).split()
SYLLABLES = "ka lo mi ne ru sa ti vo be da fe gi ho ju pe qua ri so tu ze".split()
# About 8,000 pseudo-words used with Zipf frequencies, like real prose: common words are
# everywhere, rare ones pick out a handful of rows, so search timings mean something.
VOCABULARY = TOPICS + [a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES]
ZIPF_WEIGHTS = list(itertools.accumulate(1.0 / rank for rank in range(1, len(VOCABULARY) + 1)))
FTS_TABLES = ("posts", "users", "comments", "tasks")
# What rows carry when the load bypasses the triggers (PostgreSQL).
STORED_COLUMNS = {"posts": ", comment_count, reading_minutes", "comments": ", reply_count"}
# Tables whose triggers keep stored counts and the daily rollup (migration 0005_big_tables).
COUNTED_TABLES = ("users", "profiles", "tags", "posts", "comments", "tasks", "post_tags")
Row = tuple[Any, ...]


class Plan:
    """Row counts and deterministic ids for one scale."""

    def __init__(self, scale: int) -> None:
        self.posts = scale
        self.users = max(10, scale // 100)
        self.tags = min(200, max(10, scale // 1000))
        self.comments = scale
        self.tasks = max(1, scale // 10)
        self._ids: dict[str, list[uuid.UUID]] = {}
        # Set when the load bypasses the counter triggers: rows then carry their counts.
        self.stored = False
        self._comments_per_post: Counter[int] | None = None

    def comments_on(self, post: int) -> int:
        if self._comments_per_post is None:
            self._comments_per_post = Counter(_comment_post(i, self) for i in range(self.comments))
        return self._comments_per_post[post]

    def ids(self, table: str, count: int) -> list[uuid.UUID]:
        if table not in self._ids:
            rng = random.Random(f"ids-{table}")  # noqa: S311 - repeatable data, not security
            base = int(ANCHOR.timestamp() * 1000)
            self._ids[table] = [_uuid7_at(base + i, rng) for i in range(count)]
        return self._ids[table]

    def total_rows(self) -> int:
        return 2 * self.users + self.tags + 3 * self.posts + self.comments + self.tasks


def _uuid7_at(millis: int, rng: random.Random) -> uuid.UUID:
    value = (millis << 80) | (0x7 << 76) | (rng.getrandbits(12) << 64) | (0b10 << 62)
    return uuid.UUID(int=value | rng.getrandbits(62))


def _when(i: int, spread_days: int = 365) -> datetime:
    return ANCHOR + timedelta(seconds=(i * 7919) % (spread_days * 86400))


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choices(VOCABULARY, cum_weights=ZIPF_WEIGHTS, k=n))


def _users(plan: Plan) -> Iterator[Row]:
    for i, uid in enumerate(plan.ids("users", plan.users)):
        at = _when(i)
        yield (uid, f"bench{i}", f"bench{i}@example.org", f"First{i}", f"Last{i}", True, at, at)


def _profiles(plan: Plan) -> Iterator[Row]:
    ids = plan.ids("profiles", plan.users)
    for i, (pid, uid) in enumerate(zip(ids, plan.ids("users", plan.users), strict=True)):
        yield (pid, uid, f"Bench user {i}.", None, "Benchland", _when(i), _when(i))


def _tags(plan: Plan) -> Iterator[Row]:
    for i, tid in enumerate(plan.ids("tags", plan.tags)):
        yield (tid, f"bench-tag-{i}", f"bench-tag-{i}", ANCHOR, ANCHOR)


def _posts(plan: Plan) -> Iterator[Row]:
    rng = random.Random("posts")  # noqa: S311 - repeatable data, not security
    users = plan.ids("users", plan.users)
    for i, pid in enumerate(plan.ids("posts", plan.posts)):
        at = _when(i)
        published = at + timedelta(days=1) if i % 5 else None
        title = f"Bench post {i} about {_words(rng, 3)}"
        body = _words(rng, 20 + i % 40)
        row = (pid, title, f"bench-post-{i}", body, published, users[i % plan.users], at, at)
        # Rewriting a million posts afterwards would recompute every search document.
        yield (*row, plan.comments_on(i), _minutes(body)) if plan.stored else row


def _minutes(body: str) -> int:
    words = body.count(" ") + 1 if body else 0
    return (words + WORDS_PER_MINUTE - 1) // WORDS_PER_MINUTE


def _post_tags(plan: Plan) -> Iterator[Row]:
    tags = plan.ids("tags", plan.tags)
    for i, pid in enumerate(plan.ids("posts", plan.posts)):
        first = i % plan.tags
        yield (pid, tags[first])
        yield (pid, tags[(first + 1 + i % 7) % plan.tags])


def _comment_post(i: int, plan: Plan) -> int:
    # A reply (every tenth comment) sits on the same post as the comment it answers.
    return ((i - 1 if i % 10 == 9 else i) * 7919) % plan.posts


def _comments(plan: Plan) -> Iterator[Row]:
    rng = random.Random("comments")  # noqa: S311 - repeatable data, not security
    ids, posts = plan.ids("comments", plan.comments), plan.ids("posts", plan.posts)
    users = plan.ids("users", plan.users)
    for i, cid in enumerate(ids):
        parent = ids[i - 1] if i % 10 == 9 else None
        at = _when(i)
        body = _words(rng, 8 + i % 12)
        row = (
            cid,
            body,
            users[(i * 31) % plan.users],
            posts[_comment_post(i, plan)],
            parent,
            at,
            at,
        )
        replies = 1 if i % 10 == 8 and i + 1 < plan.comments else 0  # the next one answers it
        yield (*row, replies) if plan.stored else row


def _tasks(plan: Plan) -> Iterator[Row]:
    users, posts = plan.ids("users", plan.users), plan.ids("posts", plan.posts)
    for i, tid in enumerate(plan.ids("tasks", plan.tasks)):
        due = _when(i, spread_days=540)
        done = due - timedelta(hours=5) if i % 3 == 0 else None
        post = posts[i % plan.posts] if i % 2 else None
        yield (tid, f"Bench task {i}", due, done, 1 + i % 4, users[i % plan.users], post, due, due)


TABLES: list[tuple[str, str, Callable[[Plan], Iterator[Row]]]] = [
    (
        "users",
        "id, username, email, first_name, last_name, is_active, created_at, updated_at",
        _users,
    ),
    ("profiles", "id, user_id, bio, website, location, created_at, updated_at", _profiles),
    ("tags", "id, name, slug, created_at, updated_at", _tags),
    ("posts", "id, title, slug, body, published_at, author_id, created_at, updated_at", _posts),
    ("post_tags", "post_id, tag_id", _post_tags),
    ("comments", "id, body, author_id, post_id, parent_id, created_at, updated_at", _comments),
    (
        "tasks",
        "id, title, due_at, done_at, priority, assignee_id, post_id, created_at, updated_at",
        _tasks,
    ),
]


def _chunks(rows: Iterator[Row]) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _copy_postgresql(session: AnySession, table: str, columns: str, chunk: list[Row]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in chunk:
        writer.writerow(
            ["\\N" if v is None else v.isoformat() if isinstance(v, datetime) else v for v in row]
        )
    buffer.seek(0)
    cursor = session.connection().connection.cursor()
    cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer)


def _insert_sqlite(session: AnySession, table: str, columns: str, chunk: list[Row]) -> None:
    names = [c.strip() for c in columns.split(",")]
    placeholders = ", ".join(f":{n}" for n in names)
    rows = [{n: _sqlite_value(v) for n, v in zip(names, row, strict=True)} for row in chunk]
    statement = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - constants
    session.execute(text(statement), rows)


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value.hex  # UUIDType(binary=False) stores 32 hex digits on SQLite
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def _drop_search_indexes(session: AnySession) -> None:
    for table in FTS_TABLES:
        session.execute(text(f"DROP INDEX IF EXISTS ix_fts_{table}"))


def _create_search_indexes(session: AnySession) -> None:
    # Building a GIN index once over loaded rows is many times faster than updating it per row.
    session.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
    for table in FTS_TABLES:
        session.execute(text(f"CREATE INDEX ix_fts_{table} ON {table} USING gin (fts_document)"))


def counter_triggers(session: AnySession, state: str) -> None:
    # Row triggers would update a post per comment a million times; one repair pass after
    # the load sets every count at once, in the same transaction.
    for table in COUNTED_TABLES:
        session.execute(text(f"ALTER TABLE {table} {state} TRIGGER USER"))


def has_bench_data(session: AnySession) -> bool:
    found = session.scalar(
        with_deleted(select(func.count()).select_from(User).where(User.username == "bench0"))
    )
    return bool(found)


def seed_bench(session: AnySession, *, scale: int) -> float:
    """Load the scale-N data set in one transaction and commit it; return the seconds taken.

    Raises click.ClickException if bench data is already there: load it into a fresh database.
    """
    started = time.perf_counter()
    if has_bench_data(session):
        raise click.ClickException("bench data is already loaded; use an empty database")
    plan = Plan(scale)
    is_pg = session.get_bind().dialect.name == "postgresql"
    write = _copy_postgresql if is_pg else _insert_sqlite
    if is_pg:
        _drop_search_indexes(session)
        counter_triggers(session, "DISABLE")
    with click.progressbar(length=plan.total_rows(), label="Loading bench data") as bar:
        plan.stored = is_pg
        for table, columns, rows in TABLES:
            names = columns + (STORED_COLUMNS.get(table, "") if is_pg else "")
            for chunk in _chunks(rows(plan)):
                write(session, table, names, chunk)
                bar.update(len(chunk))
    if is_pg:
        counter_triggers(session, "ENABLE")
        repair(session)
        rebuild_activity(session, list(DOMAIN_MODELS))
        _create_search_indexes(session)
    session.commit()
    if is_pg:
        session.execute(text("ANALYZE"))  # fresh statistics, or the planner guesses at 1M rows
        session.commit()
    return time.perf_counter() - started
