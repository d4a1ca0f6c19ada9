"""Everything the pool panel shows for one engine, from the collector, the pool and the server."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, event

from admin_app.pool.collector import PoolCollector, pool_state
from admin_app.pool.server import application_name, monitor_engine, server_view
from admin_app.pool.timed_pool import TimedQueuePool
from admin_app.pool.verdict import pool_capacity, verdict


class PoolMonitor:
    """Everything the pool panel shows, for one engine."""

    def __init__(
        self, engine: Engine, *, threads: int, clock: Callable[[], float] = time.time
    ) -> None:
        self.engine = engine
        self.threads = threads
        self.collector = PoolCollector(clock)
        if isinstance(engine.pool, TimedQueuePool):
            engine.pool.collector = self.collector
        self.monitor = monitor_engine(engine.url, application_name())
        _listen(engine, self.collector)

    def capacity(self) -> int:
        pool = self.engine.pool
        size = pool.size() if hasattr(pool, "size") else 1
        return pool_capacity(size, getattr(pool, "_max_overflow", 0))

    def stats(self, server: dict[str, Any] | None = None) -> dict[str, Any]:
        """The JSON of /admin/pool/stats.json; touches no pooled connection.

        With ``server`` (what ``server()`` read), the verdict also weighs lock waits.
        """
        pool = self.engine.pool
        self.collector.sample(pool)
        state = pool_state(pool)
        waits = self.collector.wait_figures()
        held = self.collector.held_connections()
        samples = self.collector.recent_samples()
        return {
            **state,
            "capacity": self.capacity(),
            "threads": self.threads,
            "counters": dict(self.collector.counters),
            "waits": waits,
            "held": held,
            "samples": samples,
            "settings": _settings(pool),
            "verdict": verdict(
                capacity=self.capacity(),
                threads=self.threads,
                state=state,
                waits=waits,
                held=held,
                samples=samples,
                server=server,
            ),
        }

    def server(self) -> dict[str, Any]:
        return server_view(self.monitor)


def _settings(pool: Any) -> dict[str, Any]:
    return {
        "pool_class": type(pool).__name__,
        "size": pool.size() if hasattr(pool, "size") else None,
        "max_overflow": getattr(pool, "_max_overflow", None),
        "timeout": getattr(pool, "_timeout", None),
        "recycle": getattr(pool, "_recycle", None),
        "pre_ping": getattr(pool, "_pre_ping", None),
        "lifo": getattr(getattr(pool, "_pool", None), "use_lifo", None),
    }


def _listen(engine: Engine, collector: PoolCollector) -> None:
    event.listen(engine, "connect", lambda *a: collector.count("connect"))
    event.listen(
        engine, "checkout", lambda dbapi, record, proxy: collector.checked_out(record, engine.pool)
    )
    event.listen(engine, "checkin", lambda dbapi, record: collector.checked_in(record, engine.pool))
    event.listen(
        engine, "invalidate", lambda dbapi, record, exc: _gone(collector, "invalidate", record)
    )
    event.listen(
        engine, "soft_invalidate", lambda dbapi, record, exc: collector.count("soft_invalidate")
    )
    event.listen(engine, "reset", lambda dbapi, record, state: collector.count("reset"))
    event.listen(engine, "close", lambda dbapi, record: _gone(collector, "close", record))


def _gone(collector: PoolCollector, name: str, record: Any) -> None:
    collector.count(name)
    collector.forget(record)
