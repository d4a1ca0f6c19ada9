"""Waiting for a state another thread or process reaches: by the state, never by a duration.

No test sleeps a fixed time and then checks. It asks again until the state holds, so a busy
machine only makes it ask more often. The bound is there only so a broken app fails the test
instead of hanging the suite; it is far beyond what a loaded machine needs, and no assertion
depends on it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

BOUND_S = 60.0


def wait_until(
    condition: Callable[[], bool], what: str, *, bound_s: float = BOUND_S, every_s: float = 0.01
) -> None:
    """Return once ``condition()`` holds; fail naming ``what`` if it never does."""
    deadline = time.monotonic() + bound_s
    while not condition():
        if time.monotonic() >= deadline:
            pytest.fail(f"still not true after {bound_s:.0f} s: {what}")
        time.sleep(every_s)  # the one polling pause of the suite's waits
