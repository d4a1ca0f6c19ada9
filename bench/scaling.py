"""Several databases in one list benchmark: their names, and how page time grows with size.

Pure logic, no database: ``bench.lists`` measures; this names each database, orders them by
size and compares each scenario's median at the largest size with the smallest.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import make_url

LIMIT = 2.0  # issue 10: page time at 1M within 2x of page time at 10k


def engine_url(url: str) -> str:
    """The URL SQLAlchemy is given: plain ``postgresql://`` means psycopg2, said explicitly."""
    return url.replace("postgresql://", "postgresql+psycopg2://", 1)


def parse_args(argv: list[str] | None, description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--database-url",
        action="append",
        required=True,
        help="a seeded database; repeat it to compare sizes in one interleaved run",
    )
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--http-rounds", type=int, default=3, help="0: no HTTP run")
    parser.add_argument("--http-seconds", type=float, default=5.0, help="per path and round")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    urls = args.database_url
    if len(set(map(engine_url, urls))) < len(urls):
        parser.error("each --database-url once: the same database twice compares nothing")
    return args


def labels(urls: list[str]) -> list[str]:
    """A short name per database for the tables: its database name (a SQLite file's stem).

    Names that clash (one name on two servers) get the engine and the host.
    """
    names = [_name(url) for url in urls]
    if len(set(names)) == len(names):
        return names
    return [
        f"{_name(url)}@{make_url(url).get_backend_name()}:{make_url(url).host or ''}"
        for url in urls
    ]


def _name(url: str) -> str:
    database = make_url(url).database or url
    stem = database.rsplit("/", 1)[-1]
    return stem.removesuffix(".db").removesuffix(".sqlite") or database


@dataclass(frozen=True)
class Measured:
    """One database's results: its name, its size (live posts) and scenario -> side -> figures."""

    label: str
    posts: int
    results: dict[str, dict[str, dict[str, Any]]]


def scaling(measured: list[Measured]) -> dict[str, dict[str, dict[str, Any]]]:
    """Per scenario and side: each database's median and cpu, and largest / smallest size.

    A scenario (or side) one database did not run has no ratio: ``missing`` names where.
    """
    by_size = sorted(measured, key=lambda m: m.posts)
    smallest, largest = by_size[0], by_size[-1]
    table: dict[str, dict[str, dict[str, Any]]] = {}
    for name in _in_order(m.results for m in by_size):
        for side in _in_order(m.results.get(name, {}) for m in by_size):
            figures = {m.label: m.results.get(name, {}).get(side) for m in by_size}
            row: dict[str, Any] = {
                "median_ms": {k: f and f["median_ms"] for k, f in figures.items()},
                "cpu_median_ms": {k: f and f["cpu_median_ms"] for k, f in figures.items()},
                "missing": [k for k, f in figures.items() if f is None],
            }
            low, high = figures[smallest.label], figures[largest.label]
            if low and high and smallest is not largest:
                row["ratio"] = _ratio(high["median_ms"], low["median_ms"])
                row["cpu_ratio"] = _ratio(high["cpu_median_ms"], low["cpu_median_ms"])
                row["over_limit"] = row["ratio"] > LIMIT
            table.setdefault(name, {})[side] = row
    return table


def _ratio(high: float, low: float) -> float:
    return high / low if low > 0 else float("inf")


def _in_order(dicts: Any) -> list[str]:
    seen: dict[str, None] = {}
    for found in dicts:
        seen.update(dict.fromkeys(found))
    return list(seen)


def scaling_lines(
    measured: list[Measured], table: dict[str, dict[str, dict[str, Any]]]
) -> list[str]:
    """The scaling table as printed: one row per scenario and side, flagged over the limit."""
    by_size = sorted(measured, key=lambda m: m.posts)
    head = f"{'scenario':34}" + "".join(f" {m.label[:20]:>20} {'cpu':>6}" for m in by_size)
    lines = [
        "Scaling: " + ", ".join(f"{m.label} ({m.posts:,} posts)" for m in by_size),
        head + f" {'x size':>7} {'x cpu':>6}",
    ]
    for name, sides in table.items():
        for side, row in sides.items():
            shown = name if side in ("ours", "hello") else f"{name} [{side}]"
            cells = [f"{shown[:34]:34}"]
            for m in by_size:
                median, cpu = row["median_ms"][m.label], row["cpu_median_ms"][m.label]
                cells.append(
                    f" {median:20.1f} {cpu:6.1f}" if median is not None else f" {'-':>20} {'-':>6}"
                )
            if "ratio" in row:
                cells.append(f" {row['ratio']:6.1f}x {row['cpu_ratio']:5.1f}x")
                if row["over_limit"]:
                    cells.append(f"  OVER {LIMIT:g}x")
            if row["missing"]:
                cells.append("  not run on " + ", ".join(row["missing"]))
            lines.append("".join(cells))
    return lines
