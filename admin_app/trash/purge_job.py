"""Purge a big delete batch as a job: chunks of rows, children first; never commits.

Purging a 100,000-row batch in one request loads every row and holds one transaction for
minutes. A purge job (a ``bulk_jobs`` row of kind ``batch``, action ``purge``, as a restore
job is) removes the next ``restore_job.CHUNK`` rows per call with ``purge()``, so each row
gets its ``purge`` audit entry exactly as a one-request purge writes it, and the caller
commits each chunk with its entries and the job's progress.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from admin_app.columns import utc_now
from admin_app.models import BulkJob
from admin_app.models.query import AnySession
from admin_app.trash import restore_job
from admin_app.trash.locking import take_write_lock
from admin_app.trash.purge import PURGE_ORDER, purge
from admin_app.trash.restore_job import JOB_KIND, batch_sizes, job_batches, lock_batch_jobs


class PurgeRefusedError(ValueError):
    """The batch cannot be purged now; the message says why, for the operator."""


def start_purge(
    session: AnySession, batch_ids: list[uuid.UUID], *, operator_id: uuid.UUID | None
) -> tuple[BulkJob, bool]:
    """Start purging the batches as a job; (the job, whether it is new). Flushes.

    A purge of the batch already running is returned as it is; a running restore of it
    refuses the purge (PurgeRefusedError): the restore finishes what it started.
    """
    lock_batch_jobs(session, batch_ids[0])
    if (running := restore_job.running_restore(session, batch_ids, "purge")) is not None:
        return running, False
    if restore_job.running_restore(session, batch_ids) is not None:
        raise PurgeRefusedError("a restore of that batch is running")
    job = BulkJob(
        action="purge",
        entity_type=JOB_KIND,
        criteria=urlencode([("batch", str(b)) for b in batch_ids]),
        total=sum(batch_sizes(session, batch_ids).values()),
        operator_id=operator_id,
        batch_id=batch_ids[0],
    )
    session.add(job)
    session.flush()
    return job, True


def purge_chunk(session: AnySession, job_id: uuid.UUID, *, chunk: int | None = None) -> BulkJob:
    """Purge the job's next ``chunk`` rows, children first, each audited; flushes.

    The job's row is locked first, so two tabs stepping one job take turns. Progress is what
    has left the batch, counted by the database: a row's purge also removes what it owns.
    """
    chunk = chunk or restore_job.CHUNK
    take_write_lock(session)
    job = session.get(BulkJob, job_id, with_for_update=True, populate_existing=True)
    if job is None or job.status != "running":
        return job  # type: ignore[return-value]
    batches = job_batches(job)
    records = restore_job.next_rows(session, batches, chunk, models=PURGE_ORDER)
    if records:
        purge(session, records)
        job.last_id = records[-1].id
    left = sum(batch_sizes(session, batches).values())
    job.done = max(job.done, job.total - left)
    if not left:
        job.status, job.finished_at = "done", utc_now()
        job.total = job.done
    session.flush()
    return job
