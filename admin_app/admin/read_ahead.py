"""Rows read one chunk ahead by a thread, so the database and Python work at the same time.

An export reads its rows through a server-side cursor in chunks. Read in line, each chunk
waits for the database and then for Python to turn it into CSV, one after the other. The
driver releases the GIL while it waits for the database, so a reader thread fetching the
next chunk lets the database compute it while this thread writes the last one's lines:
on two cores the export runs at the speed of the slower side instead of the sum of both.

Only the reader touches the rows (and their cursor) until ``close`` has stopped it.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import Any

AHEAD = 2  # chunks the reader may hold ready: enough to never starve, bounded in memory
_END = object()
PUT_WAIT_S = 0.1  # how often a blocked reader looks whether it has been stopped


class ReadAhead:
    """Iterate ``rows`` as read by a thread in chunks of ``chunk``; ``close`` stops it."""

    def __init__(self, rows: Iterable[Any], *, chunk: int) -> None:
        self.rows, self.chunk = rows, chunk
        self.ready: queue.Queue[Any] = queue.Queue(maxsize=AHEAD)
        self.stopping = threading.Event()
        self.reader = threading.Thread(target=self._read, name="export-read-ahead", daemon=True)
        self.reader.start()

    def _read(self) -> None:
        try:
            batch: list[Any] = []
            for row in self.rows:
                batch.append(row)
                if len(batch) == self.chunk:
                    if not self._hand_over(batch):
                        return
                    batch = []
            if batch and not self._hand_over(batch):
                return
            self._hand_over(_END)
        except BaseException as exc:  # the consumer raises it where the rows are read
            self._hand_over(exc)

    def _hand_over(self, item: Any) -> bool:
        while not self.stopping.is_set():
            try:
                self.ready.put(item, timeout=PUT_WAIT_S)
                return True
            except queue.Full:
                continue
        return False

    def __iter__(self) -> Iterator[Any]:
        while True:
            item = self.ready.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield from item

    def close(self) -> None:
        """Stop the reader, wait until it has let go of the rows, then close them."""
        self.stopping.set()
        self.reader.join()
        getattr(self.rows, "close", lambda: None)()
