"""A QueuePool that times every checkout and counts the ones that time out."""

from __future__ import annotations

import threading
import time
from typing import Any

from sqlalchemy import exc
from sqlalchemy.pool import QueuePool

from admin_app.pool.collector import PoolCollector

_local = threading.local()


class TimedQueuePool(QueuePool):
    """QueuePool, plus wait time and timeouts reported to ``collector``."""

    collector: PoolCollector | None = None

    def _do_get(self) -> Any:
        # QueuePool._do_get calls itself to retry; only the outermost call is one checkout.
        if getattr(_local, "timing", False) or self.collector is None:
            return super()._do_get()
        _local.timing = True
        started = time.perf_counter()
        try:
            record = super()._do_get()
        except exc.TimeoutError:
            self.collector.waited(time.perf_counter() - started, timed_out=True)
            raise
        finally:
            _local.timing = False
        self.collector.waited(time.perf_counter() - started)
        return record

    def recreate(self) -> QueuePool:
        fresh = super().recreate()
        fresh.collector = self.collector  # type: ignore[attr-defined]
        return fresh
