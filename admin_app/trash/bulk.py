"""Bulk jobs over a whole filter: trash, restore or purge, one chunk per call; never commits.

A trash job puts every row in one delete batch, so the recycle bin restores it as one.
The caller picks each chunk's records (the list's own query, keyset by id), commits the
chunk with its audit entries and the job's progress together, and calls again.
"""

from __future__ import annotations

import uuid
from typing import Any

from admin_app.columns import utc_now, uuid7
from admin_app.models import BulkJob
from admin_app.models.query import AnySession
from admin_app.trash import restore_job
from admin_app.trash.purge import purge
from admin_app.trash.restore import RestoreBlocked, restore
from admin_app.trash.restore_job import big_batches_in
from admin_app.trash.service import soft_delete

CHUNK = 500  # rows per call: each is one transaction of a few hundred milliseconds
ACTIONS = ("trash", "restore", "purge")


class BulkError(ValueError):
    """The chunk could not be done; the message says why, for the operator."""


def start_job(
    session: AnySession,
    *,
    action: str,
    entity_type: str,
    criteria: str,
    total: int,
    operator_id: uuid.UUID | None,
) -> BulkJob:
    if action not in ACTIONS:
        raise BulkError(f"unknown bulk action {action!r}")
    job = BulkJob(
        action=action,
        entity_type=entity_type,
        criteria=criteria,
        total=total,
        operator_id=operator_id,
        batch_id=uuid7() if action == "trash" else None,
    )
    session.add(job)
    session.flush()
    return job


def apply_chunk(
    session: AnySession, job: BulkJob, records: list[Any], *, chunk: int = CHUNK
) -> None:
    """Do the job's action on ``records`` (the next chunk, by id) and move its progress on."""
    if job.status != "running":
        raise BulkError(f"the job is {job.status}")
    if records:
        _act(session, job, records)
        job.done += len(records)
        job.last_id = max(record.id for record in records)
    if len(records) < chunk:
        job.status, job.finished_at = "done", utc_now()
        job.total = job.done  # what it really did: rows may have changed since the count
    session.flush()


def _act(session: AnySession, job: BulkJob, records: list[Any]) -> None:
    if job.action == "trash":
        soft_delete(session, records, actor_id=job.operator_id, batch_id=job.batch_id)
    elif job.action == "restore":
        batches = sorted({r.delete_batch for r in records})
        if big := big_batches_in(session, batches):
            raise BulkError(
                f"batch {big[0]} holds more than {restore_job.BIG_BATCH:,} rows: restore it "
                "from the recycle bin, where a big batch restores as a job in chunks"
            )
        try:
            restore(session, batches)
        except RestoreBlocked as exc:
            raise BulkError(str(exc)) from exc
    else:
        restoring = restore_job.restoring_batches(session)
        if busy := sorted({r.delete_batch for r in records} & restoring):
            raise BulkError(
                f"a restore of batch {busy[0]} is running: nothing of this chunk was purged; "
                "let the restore finish (the recycle bin shows its progress), then purge again"
            )
        purge(session, records)


def fail(session: AnySession, job_id: uuid.UUID, reason: str) -> None:
    """Mark the job failed (after the caller rolled the chunk back); flushes."""
    job = session.get(BulkJob, job_id)
    if job is not None:
        job.status, job.error, job.finished_at = "failed", reason[:255], utc_now()
        session.flush()
