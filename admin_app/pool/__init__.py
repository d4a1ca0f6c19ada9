"""Live connection-pool figures: a collector fed by pool events, the server's view, a verdict.

Infrastructure beside the database layer: nothing here imports Flask or the web layer.
"""

from admin_app.pool.collector import PoolCollector, holder, pool_state
from admin_app.pool.monitor import PoolMonitor
from admin_app.pool.server import application_name
from admin_app.pool.timed_pool import TimedQueuePool
from admin_app.pool.verdict import pool_capacity

__all__ = [
    "PoolCollector",
    "PoolMonitor",
    "TimedQueuePool",
    "application_name",
    "holder",
    "pool_capacity",
    "pool_state",
]
