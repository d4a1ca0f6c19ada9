"""An export's rows read ahead by a thread: all of them, in order; a failure where it happened;
and a reader stopped and its rows closed when the client hangs up half-way."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from admin_app.admin.read_ahead import AHEAD, ReadAhead


class Rows:
    """Numbered rows that fail after ``fail_after`` if set, and remember being closed."""

    def __init__(self, count: int, fail_after: int | None = None) -> None:
        self.count, self.fail_after, self.closed, self.read = count, fail_after, False, 0

    def __iter__(self) -> Iterator[int]:
        for n in range(self.count):
            if n == self.fail_after:
                raise RuntimeError("connection lost")
            self.read += 1
            yield n

    def close(self) -> None:
        self.closed = True


def test_every_row_comes_through_in_order_whatever_the_chunk():
    for chunk in (1, 7, 500):
        rows = Rows(1234)
        ahead = ReadAhead(rows, chunk=chunk)
        assert list(ahead) == list(range(1234))
        ahead.close()
        assert rows.closed
        assert not ahead.reader.is_alive()


def test_a_failure_is_raised_after_the_rows_read_before_it():
    ahead = ReadAhead(Rows(100, fail_after=25), chunk=10)
    seen: list[int] = []
    rows = iter(ahead)

    def read_all() -> None:
        seen.extend(rows)

    with pytest.raises(RuntimeError, match="connection lost"):
        read_all()
    ahead.close()
    assert seen == list(range(20))  # whole chunks only: the half-read one never arrives


def test_a_consumer_that_stops_early_stops_the_reader_and_closes_its_rows():
    rows = Rows(1_000_000)
    ahead = ReadAhead(rows, chunk=10)
    first = next(iter(ahead))
    ahead.close()  # the client hung up: the reader was blocked handing over a chunk
    assert first == 0
    assert rows.closed
    assert not ahead.reader.is_alive()
    # It read no further than the chunks it could hold ready (and the one it was making).
    assert rows.read <= (AHEAD + 2) * 10
