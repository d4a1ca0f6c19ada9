"""A whole-table CSV export at scale: rows per second, CPU and how much the process grows.

Usage: python -m bench.export --database-url postgresql://.../admin_app_bench_1m [--path ...]
The export streams through the Flask test client in this process, read in the chunks the
response yields, as a browser download would; nothing is kept. The resident set size is
sampled every ``SAMPLE_EVERY`` chunks, so its peak is what the export made the process grow
by, not what it ends at. Writes JSON to bench-results/.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from bench.lists import RESULTS, _ours

SAMPLE_EVERY = 200  # chunks between two readings of the resident set size


def resident_mb() -> float:
    """This process's resident set size now, in MiB (Linux: /proc/self/status)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise SystemExit("no VmRSS in /proc/self/status: this benchmark needs Linux")


def export(client: Any, path: str) -> dict[str, Any]:
    before = resident_mb()
    peak, rows, size = before, 0, 0
    started, cpu_started = time.perf_counter(), time.process_time()
    response = client.get(path, buffered=False)
    if response.status_code != 200:
        raise SystemExit(f"{path}: {response.status_code}")
    for n, chunk in enumerate(response.response):
        rows += chunk.count(b"\n") if isinstance(chunk, bytes) else chunk.count("\n")
        size += len(chunk)
        if n % SAMPLE_EVERY == 0:
            peak = max(peak, resident_mb())
    response.close()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = max(peak, resident_mb())
    data_rows = rows - 1  # the header line
    return {
        "path": path,
        "rows": data_rows,
        "megabytes": round(size / 2**20, 1),
        "seconds": round(seconds, 1),
        "rows_per_s": round(data_rows / seconds),
        "rows_per_cpu_s": round(data_rows / cpu),
        "rss_before_mb": round(before, 1),
        "rss_growth_mb": round(peak - before, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--path", default="/admin/post/export/csv/")
    args = parser.parse_args()
    url = args.database_url.replace("postgresql://", "postgresql+psycopg2://", 1)
    _, client, _ = _ours(url)
    client.get(args.path.split("export/")[0])  # warm the app up: templates, mappers, pool
    result = export(client, args.path)
    print(
        f"{result['rows']:,} rows ({result['megabytes']} MB) in {result['seconds']} s: "
        f"{result['rows_per_s']:,} rows/s, {result['rows_per_cpu_s']:,} rows per CPU-second; "
        f"RSS grew {result['rss_growth_mb']} MB from {result['rss_before_mb']} MB"
    )
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"export-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps({"database": args.database_url, "result": result}, indent=2))
    print(f"JSON: {out}")


if __name__ == "__main__":
    main()
