"""Restore a big delete batch as a job: the pre-flight in SQL, then chunks; never commits.

A batch of a filter-wide trash holds 100,000s of rows; restoring it in one transaction takes
minutes. Here the pre-flight (unique values taken, parents in the trash) runs as a few
set-based queries over the whole batch, then each call restores the next ``CHUNK`` rows
still in the trash, parents' models first, and the caller commits them with their audit
entries and the job's progress. A chunk that fails changes nothing: what earlier chunks
restored stays restored, the rest stays in the batch and can be restored again.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import and_, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from admin_app.audit import ACTION_OVERRIDE
from admin_app.columns import utc_now
from admin_app.models import DOMAIN_MODELS, Action, BulkJob
from admin_app.models.constraints import live_unique_columns
from admin_app.models.query import AnySession
from admin_app.soft_delete import with_deleted
from admin_app.trash.locking import take_write_lock
from admin_app.trash.restore import (
    Problem,
    RestoreBlocked,
    RestorePlan,
    plan_restore,
    required_parents,
    trashed_parents,
    unique_clashes,
)

CHUNK = 1000  # rows per call: about what one chunk of a bulk trash moves (500 and theirs)
BIG_BATCH = 2000  # rows; a batch above this restores as a job, below it in one request
SHOWN = 100  # records a preview of a big batch lists
JOB_KIND = "batch"  # a restore job's entity_type: it acts on a batch, not on one model


class RestoreJobError(ValueError):
    """A chunk could not be restored; the message says why, for the operator."""


def batch_sizes(session: AnySession, batch_ids: Iterable[uuid.UUID]) -> Counter[str]:
    """Rows of the batches still in the trash, per table, counted by the database."""
    ids = list(batch_ids)
    sizes: Counter[str] = Counter()
    for model in DOMAIN_MODELS:
        stmt = with_deleted(select(func.count()).select_from(model)).where(
            model.delete_batch.in_(ids), model.deleted_at.is_not(None)
        )
        if n := int(session.scalar(stmt) or 0):
            sizes[model.__tablename__] = n
    return sizes


def preflight(
    session: AnySession,
    batch_ids: Iterable[uuid.UUID],
    *,
    with_parents: bool = False,
    limit: int = 20,
) -> RestorePlan:
    """The restore pre-flight for a batch of any size, without loading its rows.

    The plan's ``records`` are the first ``SHOWN`` only; ``sizes`` counts them all. Its
    problems are the first ``limit`` of each kind and rule, found by joins in the database.
    """
    plan = RestorePlan(batch_ids=list(dict.fromkeys(batch_ids)))
    while True:
        plan.problems = _parents_in_trash(session, plan.batch_ids, limit) + _taken_values(
            session, plan.batch_ids, limit
        )
        missing = plan.parent_batches - set(plan.batch_ids)
        if not (with_parents and missing):
            break
        plan.batch_ids += sorted(missing)
    plan.sizes = batch_sizes(session, plan.batch_ids)
    plan.records = next_rows(session, plan.batch_ids, SHOWN, lock=False)
    return plan


def _parents_in_trash(session: AnySession, ids: list[uuid.UUID], limit: int) -> list[Problem]:
    """Parents trashed outside the batches that rows of the batches belong to.

    Driven from the parents (the trash outside these batches), each probing for a child in
    the batch: joined from the children, PostgreSQL with the statistics a mass trash leaves
    behind planned a nested loop over both 100,000-row sides.
    """
    problems = []
    for model in DOMAIN_MODELS:
        in_batch = and_(model.delete_batch.in_(ids), model.deleted_at.is_not(None))
        for rel in required_parents(model):
            parent = rel.mapper.class_
            key = getattr(model, next(iter(rel.local_columns)).key)
            has_child = select(model.id).where(key == parent.id, in_batch).exists()
            outside = or_(parent.delete_batch.is_(None), parent.delete_batch.not_in(ids))
            stmt = select(parent).where(parent.deleted_at.is_not(None), outside, has_child)
            for found in session.scalars(with_deleted(stmt.limit(limit))).unique():
                child = with_deleted(select(model).where(key == found.id, in_batch).limit(1))
                problems.append(Problem("parent", session.scalars(child).one(), found))
    return problems


def _taken_values(session: AnySession, ids: list[uuid.UUID], limit: int) -> list[Problem]:
    """Values a live row now holds, and values two rows of the restore share."""
    problems = []
    for model in DOMAIN_MODELS:
        for columns in live_unique_columns(model):
            live: Any = aliased(model)
            same = and_(*(getattr(model, c) == getattr(live, c) for c in columns))
            in_batch = and_(model.delete_batch.in_(ids), model.deleted_at.is_not(None))
            stmt = with_deleted(
                select(model, live).join(live, same).where(in_batch, live.deleted_at.is_(None))
            )
            problems += [
                Problem("unique", r, o, field=columns[0])
                for r, o in session.execute(stmt.limit(limit)).unique()
            ]
            problems += _shared_within(session, model, columns, in_batch, limit)
    return problems


def _shared_within(
    session: AnySession, model: Any, columns: list[str], in_batch: Any, limit: int
) -> list[Problem]:
    attrs = [getattr(model, c) for c in columns]
    keys = session.execute(
        with_deleted(select(*attrs).where(in_batch).group_by(*attrs))
        .having(func.count() > 1)
        .limit(limit)
    ).all()
    problems = []
    for key in keys:
        match = and_(in_batch, *(a == v for a, v in zip(attrs, key, strict=True)))
        first, second = session.scalars(with_deleted(select(model).where(match)).limit(2)).all()
        problems.append(Problem("unique", second, first, field=columns[0]))
    return problems


def next_rows(
    session: AnySession,
    batch_ids: list[uuid.UUID],
    limit: int,
    *,
    lock: bool = True,
    models: Iterable[Any] = DOMAIN_MODELS,
) -> list[Any]:
    """The next rows still in the batches, in the order of ``models`` (parents first by default;
    a purge job passes children first).

    With ``lock``, the rows are locked first: a purge of the batch waits for this chunk (or
    this chunk for the purge, and then finds those rows gone).
    """
    found: list[Any] = []
    for model in models:
        if len(found) >= limit:
            break
        in_batch = and_(model.delete_batch.in_(batch_ids), model.deleted_at.is_not(None))
        # No ORDER BY: the batch index hands out its first rows at once, where sorting every
        # remaining row of a 100,000-row batch by id cost a quarter of a second per chunk.
        ids = list(
            session.scalars(
                with_deleted(select(model.id).where(in_batch)).limit(limit - len(found))
            )
        )
        if ids and lock:  # in id order, as every locker does, so two never deadlock
            locking = select(model.id).where(model.id.in_(ids), in_batch).order_by(model.id)
            ids = list(session.scalars(with_deleted(locking.with_for_update())))
        if ids:
            rows = with_deleted(select(model).where(model.id.in_(ids)).order_by(model.id))
            found += session.scalars(rows.execution_options(populate_existing=True)).unique()
    return found


def job_batches(job: BulkJob) -> list[uuid.UUID]:
    """The batches a restore job brings back: the one asked for, and parents' if chosen."""
    return [uuid.UUID(value) for key, value in parse_qsl(job.criteria) if key == "batch"]


def running_restores(session: AnySession, action: str = "restore") -> list[BulkJob]:
    """Restore (or purge) jobs of batches now running, oldest first (a handful at most)."""
    stmt = select(BulkJob).where(
        BulkJob.action == action, BulkJob.entity_type == JOB_KIND, BulkJob.status == "running"
    )
    return list(session.scalars(stmt.order_by(BulkJob.created_at)))


def running_restore(
    session: AnySession, batch_ids: Iterable[uuid.UUID], action: str = "restore"
) -> BulkJob | None:
    """The restore (or purge) job now running over any of the batches, if there is one."""
    wanted = set(batch_ids)
    jobs = running_restores(session, action)
    return next((j for j in jobs if wanted & set(job_batches(j))), None)


def restoring_batches(session: AnySession) -> set[uuid.UUID]:
    """Every batch a running restore job is bringing back: a purge leaves them alone."""
    return {batch for job in running_restores(session) for batch in job_batches(job)}


def lock_batch_jobs(session: AnySession, batch_id: uuid.UUID) -> None:
    """Make two starts of a restore of one batch serialise, so only one job is created.

    A transaction-scoped advisory lock on PostgreSQL (the rows are too many to lock cheaply),
    the write lock on SQLite.
    """
    take_write_lock(session)
    if session.connection().dialect.name == "postgresql":
        key = batch_id.int & ((1 << 63) - 1)
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def start_restore(
    session: AnySession,
    batch_ids: list[uuid.UUID],
    *,
    with_parents: bool = False,
    operator_id: uuid.UUID | None,
) -> tuple[BulkJob, bool]:
    """Start restoring the batches as a job, after the pre-flight; (the job, whether it is new).

    A restore of the batch already running is returned as it is: a second start does
    nothing. Raises RestoreBlocked if the pre-flight finds problems. Flushes.
    """
    lock_batch_jobs(session, batch_ids[0])
    running = running_restore(session, batch_ids)
    if running is not None:
        return running, False
    plan = preflight(session, batch_ids, with_parents=with_parents)
    if plan.problems:
        raise RestoreBlocked(plan)
    job = BulkJob(
        action="restore",
        entity_type=JOB_KIND,
        criteria=urlencode([("batch", str(b)) for b in plan.batch_ids]),
        total=plan.total,
        operator_id=operator_id,
        batch_id=plan.batch_ids[0],
    )
    session.add(job)
    session.flush()
    return job, True


def preview(session: AnySession, batch_ids: list[uuid.UUID], *, with_parents: bool) -> RestorePlan:
    """What the recycle bin's preview shows: every row of a small batch, the first of a big one."""
    if is_big(session, batch_ids):
        return preflight(session, batch_ids, with_parents=with_parents)
    return plan_restore(session, batch_ids, with_parents=with_parents)


def is_big(session: AnySession, batch_ids: list[uuid.UUID]) -> bool:
    return sum(batch_sizes(session, batch_ids).values()) > BIG_BATCH


def restore_chunk(session: AnySession, job_id: uuid.UUID, *, chunk: int | None = None) -> BulkJob:
    """Restore the job's next ``chunk`` rows, with the usual checks on them; flushes.

    The job's row is locked first, so two tabs stepping one job take turns. Raises
    RestoreJobError, with nothing of the chunk changed, when a check fails.
    """
    chunk = chunk or CHUNK
    take_write_lock(session)
    job = session.get(BulkJob, job_id, with_for_update=True, populate_existing=True)
    if job is None or job.status != "running":
        return job  # type: ignore[return-value]
    records = next_rows(session, job_batches(job), chunk)
    if records:
        _bring_back(session, RestorePlan(batch_ids=job_batches(job), records=records))
        job.done += len(records)
        job.last_id = records[-1].id
    if len(records) < chunk:
        job.status, job.finished_at = "done", utc_now()
        job.total = job.done  # what it really restored: a purge may have taken rows since
    session.flush()
    return job


def _bring_back(session: AnySession, plan: RestorePlan) -> None:
    # Checked again per chunk: a live row may have taken a value since the pre-flight.
    problems = trashed_parents(session, plan) + unique_clashes(session, plan.records)
    if problems:
        raise RestoreJobError(problems[0].message)
    by_model: dict[Any, list[Any]] = {}
    for record in plan.records:
        by_model.setdefault(type(record), []).append(record.id)
    try:
        for model, ids in by_model.items():
            session.execute(_restore_statement(model, ids))
    except IntegrityError as exc:  # a clash the checks could not see (a concurrent write)
        raise RestoreJobError("a unique value of this chunk is now used by a live record") from exc


def _restore_statement(model: Any, ids: list[Any]) -> Any:
    """One UPDATE per model and chunk: a flush would send one per row, each checking its version.

    The audit's bulk listener records it row by row, as ``restore``, from the rows it reads
    before and after; the version moves on as a flush would move it.
    """
    stmt = (
        update(model)
        .where(model.id.in_(ids), model.deleted_at.is_not(None))
        .values(deleted_at=None, delete_batch=None, deleted_by=None, version=model.version + 1)
    )
    options = {"synchronize_session": False, ACTION_OVERRIDE: Action.RESTORE}
    return with_deleted(stmt).execution_options(**options)


def fail(session: AnySession, job_id: uuid.UUID, reason: str) -> BulkJob | None:
    """Mark the job failed, after the caller rolled the chunk back; flushes."""
    job = session.get(BulkJob, job_id, populate_existing=True)
    if job is not None and job.status == "running":
        job.status, job.error, job.finished_at = "failed", reason[:255], utc_now()
        session.flush()
    return job


MAX_JOB_BATCHES = 100  # a restore over a filter touching more batches goes chunk by chunk


def touched_batches(query: Any, model: Any) -> list[uuid.UUID]:
    """The delete batches the rows of ``query`` belong to, up to one more than MAX_JOB_BATCHES."""
    distinct = query.with_entities(model.delete_batch).distinct().limit(MAX_JOB_BATCHES + 1)
    return sorted(batch for (batch,) in distinct if batch is not None)


def as_one_job(session: AnySession, batch_ids: list[uuid.UUID]) -> bool:
    """Whether restoring these batches whole is big enough to run as a restore job.

    A filter touching more than MAX_JOB_BATCHES batches is left to the chunked bulk job,
    whose chunks then refuse any one batch above BIG_BATCH (see ``big_batches_in``).
    """
    return 0 < len(batch_ids) <= MAX_JOB_BATCHES and is_big(session, batch_ids)


def big_batches_in(session: AnySession, batch_ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
    """The batches above BIG_BATCH among ``batch_ids``: one request must not restore them whole."""
    return [batch for batch in batch_ids if is_big(session, [batch])]
