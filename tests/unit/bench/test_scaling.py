"""The list benchmark's comparison of sizes: which database is which, and what is flagged."""

from __future__ import annotations

import pytest

from bench.scaling import Measured, labels, parse_args, scaling, scaling_lines


def _figures(median: float, cpu: float | None = None) -> dict[str, float]:
    return {"median_ms": median, "cpu_median_ms": median if cpu is None else cpu}


def test_one_url_or_several_each_once():
    one = parse_args(["--database-url", "sqlite:////tmp/a.db"], "bench")
    assert one.database_url == ["sqlite:////tmp/a.db"]
    several = parse_args(
        ["--database-url", "postgresql://h/bench_10k", "--database-url", "postgresql://h/bench_1m"],
        "bench",
    )
    assert several.database_url == ["postgresql://h/bench_10k", "postgresql://h/bench_1m"]
    with pytest.raises(SystemExit):  # the same database spelled twice
        parse_args(
            ["--database-url", "postgresql://h/x", "--database-url", "postgresql+psycopg2://h/x"],
            "bench",
        )
    with pytest.raises(SystemExit):
        parse_args([], "bench")


def test_databases_are_named_by_database_or_file():
    assert labels(["postgresql://u@h:5432/admin_app_bench_10k", "sqlite:////tmp/bench100k.db"]) == [
        "admin_app_bench_10k",
        "bench100k",
    ]
    clashing = labels(["postgresql://u@one/bench", "postgresql://u@two/bench"])
    assert len(set(clashing)) == 2


def test_the_ratio_is_largest_over_smallest_size_whatever_the_order_given():
    big = Measured("big", 1_000_000, {"page 1": {"ours": _figures(50.0, 10.0)}})
    small = Measured("small", 10_000, {"page 1": {"ours": _figures(20.0, 8.0)}})
    row = scaling([big, small])["page 1"]["ours"]
    assert row["ratio"] == pytest.approx(2.5)
    assert row["cpu_ratio"] == pytest.approx(1.25)
    assert row["over_limit"] is True
    lines = scaling_lines([big, small], scaling([big, small]))
    assert lines[0] == "Scaling: small (10,000 posts), big (1,000,000 posts)"
    assert any(line.startswith("page 1") and "OVER 2x" in line for line in lines)


def test_within_the_limit_is_not_flagged_and_a_missing_scenario_is_named():
    small = Measured(
        "small",
        10,
        {"page 1": {"ours": _figures(10.0)}, "history": {"ours": _figures(5.0)}},
    )
    big = Measured("big", 100, {"page 1": {"ours": _figures(20.0), "stock": _figures(90.0)}})
    table = scaling([small, big])
    assert table["page 1"]["ours"]["over_limit"] is False  # exactly 2x is within
    assert "ratio" not in table["history"]["ours"]
    assert table["history"]["ours"]["missing"] == ["big"]
    assert table["page 1"]["stock"]["missing"] == ["small"]
    lines = scaling_lines([small, big], table)
    assert any(line.startswith("history") and "not run on big" in line for line in lines)
    assert any(line.startswith("page 1 [stock]") for line in lines)
