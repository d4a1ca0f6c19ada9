"""What the connection pool does, counted from its events: thread-safe, no web imports.

Reading a snapshot never touches the pool's connections. Checkout waits and timeouts come
from TimedQueuePool (SQLAlchemy has no event for either).
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
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

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        # The wall clock names each sample's second; tests pass a frozen one.
        self._clock = clock
        # Re-entrant: the garbage collector may finalize a lost connection (firing a pool event
        # that counts) in the middle of any allocation made while the lock is held. A plain
        # Lock deadlocked the thread on itself (seen in the role-matrix walk).
        self._lock = threading.RLock()
        self.counters: Counter[str] = Counter()
        self.waits: deque[tuple[float, float]] = deque()
        self.timeouts: deque[float] = deque()
        self.held: dict[int, Held] = {}
        self.samples: deque[dict[str, Any]] = deque(maxlen=SAMPLES)
        self._last_second = 0
        self._last_state: dict[str, int] = {}
        self.started_at = clock()

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
        self.sample(pool, returning=True)

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

    def sample(self, pool: Any, *, returning: bool = False) -> None:
        """Keep one sample per second: the second's peak use, and quiet seconds as they were.

        A second with events keeps the highest checked_out/overflow it saw; a second without
        events repeats the state left by the last event, not the peak before it.
        """
        second = int(self._clock())
        state = pool_state(pool, returning=returning)
        with self._lock:
            if second == self._last_second and self.samples:
                current = self.samples[-1]
                for key in ("checked_out", "overflow", "open", "size"):
                    current[key] = max(current[key], state[key])
                current["checked_in"] = state["checked_in"]
            else:
                if self.samples:
                    first_gap = max(self._last_second + 1, second - SAMPLES)
                    for missing in range(first_gap, second):
                        self.samples.append({**self._last_state, "t": missing})
                self.samples.append({**state, "t": second})
                self._last_second = second
            self._last_state = state

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
        return {
            "count": len(values),
            "p50_ms": round(_quantile(values, 0.5) * 1000, 2),
            "p95_ms": round(_quantile(values, 0.95) * 1000, 2),
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


def _quantile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def pool_state(pool: Any, *, returning: bool = False) -> dict[str, int]:
    """The live figures; QueuePool.overflow() starts at -pool_size, so open = in + out.

    ``returning``: the checkin event fires before the connection is back in the queue, so
    the state the pool is about to be in is one fewer out and, below capacity, one more idle
    (an overflow connection is closed instead).
    """
    queue = getattr(pool, "_pool", None)
    if queue is not None and hasattr(pool, "_overflow"):
        # QueuePool's own arithmetic, with one qsize() instead of four locked method calls:
        # this runs on every checkout and checkin.
        size, checked_in = queue.maxsize, queue.qsize()
        checked_out = size - checked_in + pool._overflow
        overflow = max(pool._overflow, 0)
    else:
        size = checked_in = overflow = 0
        checked_out = pool.checkedout() if hasattr(pool, "checkedout") else 0
    if returning and checked_out > 0:
        checked_out -= 1
        if overflow > 0:
            overflow -= 1
        else:
            checked_in += 1
    return {
        "size": size,
        "checked_out": checked_out,
        "checked_in": checked_in,
        "overflow": overflow,
        "open": checked_in + checked_out,
    }
