"""What the connection pool does, counted from its events: thread-safe, no web imports.

Reading a snapshot never touches the pool's connections. Checkout waits and timeouts come
from TimedQueuePool (SQLAlchemy has no event for either).
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass
from typing import Any

WAIT_WINDOW_S = 300  # wait-time figures cover the last five minutes
SAMPLES = 600  # one per second: the last ten minutes

# Who is using a connection: "GET /admin/post/" or "cli seed demo"; set by the web layer / CLI.
holder: contextvars.ContextVar[str] = contextvars.ContextVar("pool_holder", default="unknown")


@dataclass
class Held:
    since: float
    holder: str
    thread: str


class PoolCollector:
    """Counters since start, recent waits, held connections and a ring buffer of samples."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counters: Counter[str] = Counter()
        self.waits: deque[tuple[float, float]] = deque()
        self.timeouts: deque[float] = deque()
        self.held: dict[int, Held] = {}
        self.samples: deque[dict[str, Any]] = deque(maxlen=SAMPLES)
        self._last_second = 0
        self.started_at = time.time()

    def count(self, name: str) -> None:
        with self._lock:
            self.counters[name] += 1

    def checked_out(self, record: Any, pool: Any) -> None:
        with self._lock:
            self.counters["checkout"] += 1
            self.held[id(record)] = Held(
                time.monotonic(), holder.get(), threading.current_thread().name
            )
        self.sample(pool)

    def checked_in(self, record: Any, pool: Any) -> None:
        with self._lock:
            self.counters["checkin"] += 1
            self.held.pop(id(record), None)
        self.sample(pool)

    def forget(self, record: Any) -> None:
        """A connection closed or invalidated while held: it is no longer held by anyone."""
        with self._lock:
            self.held.pop(id(record), None)

    def waited(self, seconds: float, *, timed_out: bool = False) -> None:
        now = time.monotonic()
        with self._lock:
            self.waits.append((now, seconds))
            if timed_out:
                self.counters["timeout"] += 1
                self.timeouts.append(now)
            self._trim(now)

    def _trim(self, now: float) -> None:
        while self.waits and self.waits[0][0] < now - WAIT_WINDOW_S:
            self.waits.popleft()
        while self.timeouts and self.timeouts[0] < now - WAIT_WINDOW_S:
            self.timeouts.popleft()

    def sample(self, pool: Any) -> None:
        """Record the pool state once per second; seconds without events repeat the last state."""
        second = int(time.time())
        with self._lock:
            if second == self._last_second:
                return
            state = pool_state(pool)
            if self.samples:
                last = dict(self.samples[-1])
                for missing in range(max(self._last_second + 1, second - SAMPLES), second):
                    self.samples.append({**last, "t": missing})
            self.samples.append({**state, "t": second})
            self._last_second = second

    def wait_figures(self) -> dict[str, float | int]:
        with self._lock:
            self._trim(time.monotonic())
            values = sorted(seconds for _, seconds in self.waits)
            recent_timeouts = len(self.timeouts)
        if not values:
            return {
                "count": 0,
                "p50_ms": 0.0,
                "p95_ms": 0.0,
                "max_ms": 0.0,
                "timeouts": recent_timeouts,
            }
        pick = lambda q: values[min(len(values) - 1, int(q * len(values)))]  # noqa: E731
        return {
            "count": len(values),
            "p50_ms": round(pick(0.5) * 1000, 2),
            "p95_ms": round(pick(0.95) * 1000, 2),
            "max_ms": round(values[-1] * 1000, 2),
            "timeouts": recent_timeouts,
        }

    def held_connections(self) -> list[dict[str, Any]]:
        now = time.monotonic()
        with self._lock:
            held = sorted(self.held.values(), key=lambda h: h.since)
        return [
            {"held_s": round(now - h.since, 3), "holder": h.holder, "thread": h.thread}
            for h in held
        ]

    def recent_samples(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.samples)


def pool_state(pool: Any) -> dict[str, int]:
    """The live figures; QueuePool.overflow() starts at -pool_size, so open = in + out."""
    size = pool.size() if hasattr(pool, "size") else 0
    checked_in = pool.checkedin() if hasattr(pool, "checkedin") else 0
    checked_out = pool.checkedout() if hasattr(pool, "checkedout") else 0
    overflow = max(pool.overflow(), 0) if hasattr(pool, "overflow") else 0
    return {
        "size": size,
        "checked_out": checked_out,
        "checked_in": checked_in,
        "overflow": overflow,
        "open": checked_in + checked_out,
    }
