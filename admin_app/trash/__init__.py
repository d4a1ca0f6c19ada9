"""The trash: soft delete with cascade in one batch, batch restore with checks, purge."""

from admin_app.trash.locking import lock_batches, lock_rows
from admin_app.trash.purge import purge, purge_older_than, purgeable
from admin_app.trash.restore import (
    Problem,
    RestoreBlocked,
    RestorePlan,
    batch_records,
    plan_restore,
    restore,
)
from admin_app.trash.restore_job import (
    BIG_BATCH,
    RestoreJobError,
    preflight,
    restore_chunk,
    running_restore,
    start_restore,
)
from admin_app.trash.service import TrashBatch, owned_records, preview_cascade, soft_delete

__all__ = [
    "BIG_BATCH",
    "Problem",
    "RestoreBlocked",
    "RestoreJobError",
    "RestorePlan",
    "TrashBatch",
    "batch_records",
    "lock_batches",
    "lock_rows",
    "owned_records",
    "plan_restore",
    "preflight",
    "preview_cascade",
    "purge",
    "purge_older_than",
    "purgeable",
    "restore",
    "restore_chunk",
    "running_restore",
    "soft_delete",
    "start_restore",
]
