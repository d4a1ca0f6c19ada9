"""A serving process's garbage collector: start-up frozen, fewer passes, garbage still freed.

Each check runs in a child interpreter: freezing the test process's objects would change
how every later test collects.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

CHILD = textwrap.dedent(
    """
    import gc, weakref
    from admin_app.serving import YOUNG_OBJECTS, prepare_to_serve

    class Node:
        pass

    loaded = [Node() for _ in range(1000)]  # what start-up made, still in use
    prepare_to_serve()
    print("frozen", gc.get_freeze_count() >= len(loaded))
    print("young", gc.get_threshold()[0] == YOUNG_OBJECTS)

    freed = []
    cycle = Node()
    cycle.me = cycle  # only the cyclic collector can free it
    weakref.finalize(cycle, freed.append, True)
    del cycle
    churn = [[Node()] for _ in range(3 * YOUNG_OBJECTS)]  # a few requests' allocations
    print("freed", freed == [True])
    """
)


def test_a_serving_process_freezes_start_up_and_still_frees_cyclic_garbage():
    done = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.split() == ["frozen", "True", "young", "True", "freed", "True"]
