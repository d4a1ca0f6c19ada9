"""What a serving process does once, after start-up and before its first request.

CPython's cyclic garbage collector runs a young-generation pass every 700 allocations and,
now and then, a full pass over every object the process holds. A console page allocates
tens of thousands of objects (ORM rows, template contexts), so by default each request paid
for a few passes, some over the ~160,000 objects of the loaded app, its mappers and its
compiled templates: 2 to 4 ms of a 20 ms posts list at 1M rows (``make bench``).

So the objects start-up made are frozen (full passes skip them; they live as long as the
process anyway) and the young generation is allowed to grow to ``YOUNG_OBJECTS`` before a
pass, which lets a request's short-lived objects die by reference counting first. Cyclic
garbage is still collected, only in fewer, larger passes.
"""

from __future__ import annotations

import gc

YOUNG_OBJECTS = 50_000  # CPython's default is 700
OLDER_PASSES = 20  # young passes per middle pass, middle passes per full pass (default 10)


def prepare_to_serve() -> None:
    """Freeze what start-up made and collect garbage in fewer, larger passes."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS, OLDER_PASSES, OLDER_PASSES)
