"""List pages at scale, side by side: our console, stock Flask-Admin, the raw SQL floor, hello.

Usage: python -m bench.lists --database-url postgresql://.../admin_app_bench_1m [--rounds 15]
Load the data first (``flask seed bench --scale N``), on PostgreSQL or SQLite
(``sqlite:////path/file.db``). Stock Flask-Admin ``ModelView``s are mounted on the same
models and data in a second app that exists only here; the floor runs the same page's SQL
(keyset over the sort index) through the driver itself (psycopg2, sqlite3). Every scenario
runs once per round, rounds shuffled and interleaved, in-process through the Flask test
client. Prints median, p95, ratios and queries per request; then, through one waitress at
concurrency 4, the posts list's and hello-world's requests per second (``bench.over_http``);
writes JSON to bench-results/.

Give ``--database-url`` several times (a 10k and a 1M database, say): every scenario of every
database then runs in the same shuffled rounds, so all see the same noise, and a table
compares each scenario's median at the largest size with the smallest (``bench.scaling``).
"""

from __future__ import annotations

import json
import random
import re
import sqlite3
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg2
from flask import Flask
from flask_admin import Admin
from flask_admin.contrib.sqla import ModelView
from flask_admin.theme import Bootstrap4Theme
from sqlalchemy import event, select, text
from sqlalchemy.engine import make_url

from admin_app import create_app
from admin_app.extensions import db
from admin_app.models import Comment, Operator, Post, Task, User
from admin_app.models.keyset import encode_cursor
from admin_app.serving import prepare_to_serve
from admin_app.soft_delete import with_deleted
from bench import over_http as over_http_module
from bench.scaling import Measured, engine_url, labels, parse_args, scaling, scaling_lines

RESULTS = Path("bench-results")
PASSWORD = "bench password 1"  # noqa: S105 - a local benchmark operator
COMMON, RARE = "pool", "zezeze"
PREFIX, PHRASE, EXCLUSION = "kalo", '"connection pool"', "pool -connection"
FLOOR_PAGE = """
SELECT p.id, p.title, p.published_at, p.created_at, u.username
FROM posts p JOIN users u ON u.id = p.author_id
WHERE p.id IN (SELECT id FROM posts WHERE deleted_at IS NULL
               ORDER BY created_at {d}, id {d} LIMIT 20)
ORDER BY p.created_at {d}, p.id {d}
"""


class Counter:
    """Statements sent by an engine during one request."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, *args: Any) -> None:
        self.n += 1


Plan = dict[str, dict[str, tuple[Callable[[], None], "Counter | None"]]]


def _ours(url: str) -> tuple[Flask, Any, Counter]:
    app = create_app({"database": {"url": url}, "app": {"secret_key": "bench"}})
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        if db.session.scalar(select(Operator).filter_by(username="bench-admin")) is None:
            operator = Operator(username="bench-admin", role="admin")
            operator.set_password(PASSWORD)
            db.session.add(operator)
            db.session.commit()
        counter = Counter()
        event.listen(db.engine, "before_cursor_execute", counter)
    client = app.test_client()
    client.post("/login", data={"username": "bench-admin", "password": PASSWORD})
    return app, client, counter


def _stock(url: str) -> tuple[Any, Counter]:
    # No template folder: from the working directory it would find our console's templates,
    # which override Flask-Admin's, and the stock views would not be stock.
    stock = Flask("stock_flask_admin", template_folder=None, static_folder=None)
    stock.config.update(SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="bench")  # noqa: S106 - local only
    db.init_app(stock)
    admin = Admin(stock, name="stock", theme=Bootstrap4Theme())
    for model in (Post, Comment, User, Task):
        view = type(f"Stock{model.__name__}View", (ModelView,), {})
        if model is Post:
            view.column_searchable_list = ("title", "body")  # stock search: ILIKE on both
        admin.add_view(view(model, db, endpoint=f"stock_{model.__tablename__}"))
    counter = Counter()
    with stock.app_context():
        event.listen(db.engine, "before_cursor_execute", counter)
    return stock.test_client(), counter


def _hello() -> Any:
    hello = Flask("hello")
    hello.add_url_rule("/", "hello", lambda: "Hello, world!")
    return hello.test_client()


def _get(client: Any, path: str) -> Callable[[], None]:
    def run() -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code}")

    return run


def _floor(url: str, sql: str) -> Callable[[], None]:
    if make_url(url).get_backend_name() == "sqlite":
        return _floor_sqlite(url, sql)
    connection = psycopg2.connect(url.replace("postgresql+psycopg2://", "postgresql://"))
    connection.autocommit = True

    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            cursor.fetchall()

    return run


def _floor_sqlite(url: str, sql: str) -> Callable[[], None]:
    # Autocommit, as psycopg2's: each page its own read, no transaction left open.
    connection = sqlite3.connect(make_url(url).database or "", isolation_level=None)

    def run() -> None:
        connection.execute(sql).fetchall()

    return run


def _facts(app: Flask, client: Any) -> dict[str, Any]:
    """What the scenarios need from the data: the posts, last page, a filter arg, a cursor."""
    page = client.get("/admin/post/").get_data(as_text=True)
    shown = re.search(r"List \((?:about )?([\d,]+)(\+?)", page)
    if shown is None:
        raise SystemExit("/admin/post/: no row count on the page")
    count = int(shown.group(1).replace(",", ""))
    tasks = client.get("/admin/task/").get_data(as_text=True)
    # Flask-Admin's filter data, by label: {"Is Overdue": [{"arg": "21", ...}], ...}; the
    # older spellings put the label beside the arg.
    arg = (
        re.search(r'"Is Overdue": \[\{"arg": "(\d+)"', tasks)
        or re.search(r'"arg": "(\d+)", "label": "Is Overdue"', tasks)
        or re.search(r'"label": "Is Overdue".*?"arg": "(\d+)"', tasks)
    )
    with app.app_context():
        if shown.group(2):  # "10,000+" is a floor, not the size: SQLite has no estimate
            count = db.session.execute(
                text("SELECT count(*) FROM posts WHERE deleted_at IS NULL")
            ).scalar_one()
        middle = _live_post_at(count // 2)
    return {
        "posts": count,
        "last": max(0, -(-count // 20) - 1),
        "overdue": f"flt0_{arg.group(1)}=1" if arg else "",
        "cursor": encode_cursor("-created_at", middle[0], middle[1]),
    }


def _live_post_at(offset: int) -> Any:
    """(created_at, id) of the live post ``offset`` rows into the list's default order.

    Read through the ORM (live rows only, by the soft-delete scoping), so the values carry
    their types on both engines, as the cursors the app makes do: SQLite's raw driver would
    hand back the time as text, naive.
    """
    newest = select(Post.created_at, Post.id).order_by(Post.created_at.desc(), Post.id.desc())
    return db.session.execute(newest.limit(1).offset(max(0, offset))).one()


def _sort_index(client: Any, path: str, label: str) -> str:
    page = client.get(path).get_data(as_text=True)
    found = re.search(rf'href="[^"]*sort=(\d+)[^"]*" title="Sort by {label}"', page)
    return found.group(1) if found else "0"


class Prepared:
    """One database's scenarios, its size (live posts), and the scenarios it cannot run."""

    def __init__(self, plan: Plan, posts: int, skipped: dict[str, str]) -> None:
        self.plan, self.posts, self.skipped = plan, posts, skipped


def scenarios(url: str) -> Prepared:
    app, ours, counter = _ours(url)
    stock, stock_counter = _stock(url)
    facts = _facts(app, ours)
    comment_sort = _sort_index(ours, "/admin/post/", "Comment Count")
    minutes_sort = _sort_index(ours, "/admin/post/", "Reading Minutes")
    stock_sort = _sort_index(stock, "/admin/stock_posts/", "Title")
    skipped: dict[str, str] = {}

    def o(path: str) -> tuple[Callable[[], None], Counter]:
        return _get(ours, path), counter

    def s(path: str) -> tuple[Callable[[], None], Counter]:
        return _get(stock, path), stock_counter

    plan: Plan = {
        "posts page 1": {
            "ours": o("/admin/post/"),
            "stock": s("/admin/stock_posts/"),
            "floor": (_floor(url, FLOOR_PAGE.format(d="DESC")), None),
        },
        "posts page 10": {
            "ours": o("/admin/post/?page=9"),
            "stock": s("/admin/stock_posts/?page=9"),
        },
        "posts last page": {
            "ours": o(f"/admin/post/?page={facts['last']}"),
            "stock": s(f"/admin/stock_posts/?page={facts['last']}"),
            "floor": (_floor(url, FLOOR_PAGE.format(d="ASC")), None),
        },
        "posts by comment_count": {"ours": o(f"/admin/post/?sort={comment_sort}&desc=1")},
        "posts by reading_minutes": {"ours": o(f"/admin/post/?sort={minutes_sort}&desc=1")},
        "posts by title": {
            "ours": o("/admin/post/?sort=0"),
            "stock": s(f"/admin/stock_posts/?sort={stock_sort}"),
        },
        "posts search common": {
            "ours": o(f"/admin/post/?search={COMMON}"),
            "stock": s(f"/admin/stock_posts/?search={COMMON}"),
        },
        "posts search rare": {"ours": o(f"/admin/post/?search={RARE}")},
        "comments page 1": {"ours": o("/admin/comment/"), "stock": s("/admin/stock_comments/")},
        "users page 1": {"ours": o("/admin/user/"), "stock": s("/admin/stock_users/")},
        "tasks is_overdue": {"ours": o(f"/admin/task/?{facts['overdue']}")},
        "posts trash": {"ours": o("/admin/post-trash/")},
        "recycle bin": {"ours": o("/admin/trash/")},
        "audit list": {"ours": o("/admin/audit/")},
        "dashboard": {"ours": o("/admin/")},
        "api posts page 1": {"ours": o("/api/v1/posts")},
        "api posts deep cursor": {"ours": o(f"/api/v1/posts?cursor={facts['cursor']}")},
        "hello world": {"hello": (_get(_hello(), "/"), None)},
    }
    if not facts["overdue"]:
        del plan["tasks is_overdue"]
        skipped["tasks is_overdue"] = "the task list offers no Is Overdue filter"
    return Prepared(plan | scale_scenarios(app, o, facts, skipped), facts["posts"], skipped)


def scale_scenarios(
    app: Flask,
    o: Callable[[str], tuple[Callable[[], None], Counter]],
    facts: dict[str, Any],
    skipped: dict[str, str],
) -> Plan:
    """Search shapes, the keyset pager deep in the list, audit, history, trash and the bin.

    Load the audit entries and trashed rows first: ``flask seed bench --audit-entries
    5000000 --trashed 100000`` (added to loaded bench data). A scenario the data cannot
    show goes into ``skipped``, with why.
    """
    page = facts["posts"] // 2 // 20
    with app.app_context():
        # The last row of the page before the middle one: the cursor its "next" link carries.
        middle = _live_post_at(page * 20 - 1)
        audited = db.session.execute(
            text(
                "SELECT entity_type, entity_id FROM audit_entries ORDER BY occurred_at DESC LIMIT 1"
            )
        ).first()
        trashed = db.session.execute(
            text("SELECT count(*) FROM posts WHERE deleted_at IS NOT NULL")
        ).scalar_one()
        # Halfway down the trashed posts (50,000 deep in the 100,000).
        newest = select(Post.deleted_at, Post.delete_batch).where(Post.deleted_at.is_not(None))
        newest = newest.order_by(Post.deleted_at.desc(), Post.id.desc())
        batch = db.session.execute(with_deleted(newest.limit(1).offset(trashed // 2))).first()
    after = encode_cursor(f"created_at:desc@{page - 1}", middle[0], middle[1])
    found: Plan = {
        "posts search rare word": {"ours": o(f"/admin/post/?search={RARE}%20")},
        "posts search prefix": {"ours": o(f"/admin/post/?search={PREFIX}")},
        "posts search phrase": {"ours": o(f"/admin/post/?search={quote(PHRASE)}")},
        "posts search exclusion": {"ours": o(f"/admin/post/?search={quote(EXCLUSION)}")},
        "posts middle page, next": {"ours": o(f"/admin/post/?page={page}&after={after}")},
        "comments trash": {"ours": o("/admin/comment-trash/")},
    }
    if batch:
        older = encode_cursor("batches", batch[0], batch[1])
        found["recycle bin, deep older"] = {"ours": o(f"/admin/trash/?before={older}")}
    else:
        skipped["recycle bin, deep older"] = "no trashed posts (seed bench --trashed N)"
    if audited:
        found["record history"] = {"ours": o(f"/admin/audit/history/{audited[0]}/{audited[1]}/")}
    else:
        skipped["record history"] = "no audit entries (seed bench --audit-entries N)"
    return found


def run(plans: dict[str, Plan], rounds: int) -> dict[str, dict[str, dict[str, Any]]]:
    """Every scenario of every database (label: plan) once a round, all shuffled together."""
    cells = [(db, name, side) for db, plan in plans.items() for name in plan for side in plan[name]]
    times: dict[tuple[str, str, str], list[float]] = {cell: [] for cell in cells}
    # This process's CPU per request: on a busy machine, what the wall clock cannot show.
    cpu: dict[tuple[str, str, str], list[float]] = {cell: [] for cell in cells}
    queries: dict[tuple[str, str, str], int] = {}
    for _ in range(rounds):
        random.shuffle(cells)
        for cell in cells:
            database, name, side = cell
            call, counter = plans[database][name][side]
            before = counter.n if counter else 0
            started, cpu_started = time.perf_counter(), time.process_time()
            call()
            times[cell].append((time.perf_counter() - started) * 1000)
            cpu[cell].append((time.process_time() - cpu_started) * 1000)
            if counter:
                queries[cell] = counter.n - before

    def figures(cell: tuple[str, str, str]) -> dict[str, Any]:
        return {
            "median_ms": statistics.median(times[cell]),
            "p95_ms": sorted(times[cell])[int(0.95 * (rounds - 1))],
            "cpu_median_ms": statistics.median(cpu[cell]),
            "queries": queries.get(cell),
        }

    return {
        database: {
            name: {side: figures((database, name, side)) for side in sides}
            for name, sides in plan.items()
        }
        for database, plan in plans.items()
    }


def report(results: dict[str, dict[str, Any]]) -> None:
    names = ("ours ms", "p95", "cpu", "q", "stock ms", "q", "x stock", "floor ms", "x floor")
    widths = (9, 8, 6, 3, 9, 4, 8, 9, 8)
    print(f"{'scenario':26} " + " ".join(f"{n:>{w}}" for n, w in zip(names, widths, strict=True)))
    for name, sides in results.items():
        main = sides.get("ours") or sides.get("hello")
        stock, floor = sides.get("stock"), sides.get("floor")
        cells = [
            f"{name:26}",
            f"{main['median_ms']:9.1f}",
            f"{main['p95_ms']:8.1f}",
            f"{main['cpu_median_ms']:6.1f}",
            f"{main['queries'] if main['queries'] is not None else '-':>3}",
            f"{stock['median_ms']:9.1f}" if stock else f"{'-':>9}",
            f"{stock['queries']:>4}" if stock else f"{'-':>4}",
            f"{stock['median_ms'] / main['median_ms']:7.1f}x" if stock else f"{'-':>8}",
            f"{floor['median_ms']:9.2f}" if floor else f"{'-':>9}",
            f"{main['median_ms'] / floor['median_ms']:7.1f}x" if floor else f"{'-':>8}",
        ]
        print(" ".join(cells))


def over_http(url: str, rounds: int, seconds: float) -> dict[str, dict[str, Any]]:
    if rounds <= 0 or seconds <= 0:
        return {}
    paths = {"posts page 1": "/admin/post/"}
    return over_http_module.measure(
        url, paths, ("bench-admin", PASSWORD), rounds=rounds, seconds=seconds
    )


def report_http(results: dict[str, dict[str, Any]]) -> None:
    for name, result in results.items():
        lowest = result["min_req_per_s"]
        print(
            f"HTTP {name:21} {result['req_per_s']:9.1f} req/s (lowest {lowest:.1f})"
            f" at concurrency {result['concurrency']}"
        )


def report_skipped(skipped: dict[str, str]) -> None:
    for name, why in skipped.items():
        print(f"not run: {name}: {why}")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv, __doc__.splitlines()[0])
    urls: list[str] = args.database_url
    names = labels(urls)
    prepared = {name: scenarios(engine_url(url)) for name, url in zip(names, urls, strict=True)}
    prepare_to_serve()  # as run.py's server does before its first request (every side here)
    results = run({name: p.plan for name, p in prepared.items()}, args.rounds)
    http: dict[str, dict[str, Any]] = {}
    for name, url in zip(names, urls, strict=True):
        if len(urls) > 1:
            print(f"\n== {name}: {prepared[name].posts:,} live posts ==")
        report(results[name])
        report_skipped(prepared[name].skipped)
        http[name] = over_http(engine_url(url), args.http_rounds, args.http_seconds)
        report_http(http[name])
    if len(urls) == 1:
        (name,) = names
        written = _one_database(urls[0], args.rounds, results[name], http[name])
        if prepared[name].skipped:
            written["skipped"] = prepared[name].skipped
    else:
        measured = [Measured(name, prepared[name].posts, results[name]) for name in names]
        table = scaling(measured)
        print("\n" + "\n".join(scaling_lines(measured, table)))
        written = {
            "databases": urls,
            "rounds": args.rounds,
            # Each database as a one-database run writes it, with its size and what it skipped.
            "per_database": {
                name: _one_database(url, args.rounds, results[name], http[name])
                | {"posts": prepared[name].posts, "skipped": prepared[name].skipped}
                for name, url in zip(names, urls, strict=True)
            },
            "scaling": table,
        }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"lists-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps(written, indent=2))
    print(f"JSON: {out}")


def _one_database(
    url: str, rounds: int, results: dict[str, Any], http: dict[str, Any]
) -> dict[str, Any]:
    return {"database": url, "rounds": rounds, "results": results, "http": http}


if __name__ == "__main__":
    main()
