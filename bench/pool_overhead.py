"""Cost of the pool collector per checkout: N checkout/checkin pairs with and without it.

Usage: python -m bench.pool_overhead [--checkouts 50000]
Same engine settings, SQLite file, alternating rounds; the best of each is compared.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.pool import QueuePool

from admin_app.pool import PoolMonitor, TimedQueuePool

RESULTS = Path("bench-results")


def per_checkout_us(engine, checkouts: int) -> float:
    started = time.perf_counter()
    for _ in range(checkouts):
        engine.raw_connection().close()  # one checkout and one checkin, no SQL
    return (time.perf_counter() - started) / checkouts * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkouts", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/pool.db"
        plain = create_engine(url, poolclass=QueuePool, pool_size=5)
        watched = create_engine(url, poolclass=TimedQueuePool, pool_size=5)
        PoolMonitor(watched, threads=8)
        bare, monitored = [], []
        for _ in range(args.rounds):
            bare.append(per_checkout_us(plain, args.checkouts))
            monitored.append(per_checkout_us(watched, args.checkouts))
    result = {
        "checkouts": args.checkouts,
        "rounds": args.rounds,
        "plain_us": round(min(bare), 2),
        "collected_us": round(min(monitored), 2),
        "cost_us": round(min(monitored) - min(bare), 2),
    }
    print(f"{'checkouts':>10}{'plain µs':>10}{'collected µs':>14}{'cost µs':>10}")
    print(
        f"{result['checkouts']:>10}{result['plain_us']:>10}{result['collected_us']:>14}"
        f"{result['cost_us']:>10}"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "pool_overhead.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
