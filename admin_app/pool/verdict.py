"""Is the pool sized right? A status and the reasons, from settings and recent behaviour."""

from __future__ import annotations

from typing import Any

HELD_TOO_LONG_S = 30


def pool_capacity(pool_size: int, max_overflow: int) -> int:
    """Connections the pool can hand out at once (an unlimited overflow, -1, counts as 0)."""
    return pool_size + max(max_overflow, 0)


def verdict(
    *,
    capacity: int,
    threads: int,
    state: dict[str, int],
    waits: dict[str, Any],
    held: list[dict[str, Any]],
    samples: list[dict[str, Any]],
    server: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``{"status": ok|warn|critical, "reasons": [...]}``; each reason says what to do."""
    reasons = [
        *_sizing(capacity, threads),
        *_timeouts(waits),
        *_exhaustion(capacity, samples),
        *_long_holds(held),
        *_lock_waits(server or {}),
    ]
    status = "ok"
    if reasons:
        status = "critical" if any(level == "critical" for level, _ in reasons) else "warn"
    return {"status": status, "reasons": [text for _, text in reasons]}


Reason = tuple[str, str]  # (level, what to do)


def _sizing(capacity: int, threads: int) -> list[Reason]:
    if capacity >= threads:
        return []
    return [
        (
            "warn",
            f"capacity {capacity} is below {threads} waitress threads: "
            "busy threads will queue for a connection",
        )
    ]


def _timeouts(waits: dict[str, Any]) -> list[Reason]:
    if not waits["timeouts"]:
        return []
    return [
        (
            "critical",
            f"{waits['timeouts']} checkout(s) timed out in the last "
            "5 minutes: raise pool_size or find the slow requests",
        )
    ]


def _exhaustion(capacity: int, samples: list[dict[str, Any]]) -> list[Reason]:
    full = sum(1 for s in samples[-300:] if s.get("checked_out", 0) >= capacity > 0)
    return [("warn", f"the pool was exhausted for {full} s in the last 5 minutes")] if full else []


def _long_holds(held: list[dict[str, Any]]) -> list[Reason]:
    slow = [h for h in held if h["held_s"] > HELD_TOO_LONG_S]
    if not slow:
        return []
    return [
        (
            "warn",
            f"{len(slow)} connection(s) held longer than "
            f"{HELD_TOO_LONG_S} s (longest by {slow[0]['holder']})",
        )
    ]


LOCK_WAIT = "waiting on a lock"


def _lock_waits(server: dict[str, Any]) -> list[Reason]:
    # A pool can look healthy while its sessions queue behind one transaction's locks.
    waiting = sum(r["sessions"] for r in server.get("sessions", ()) if r["state"] == LOCK_WAIT)
    if not waiting:
        return []
    return [
        (
            "warn",
            f"{waiting} session(s) waiting on a lock: a long transaction holds it; "
            "find it in the server view (longest active) and end it",
        )
    ]
