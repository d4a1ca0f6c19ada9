"""'All N matching': trash, restore or purge every row of a filtered list, in chunks; and
the recycle bin's restore of a big batch, as a job of the same kind.

The confirm page is the dry run: it counts the matches and changes nothing. The progress
page then asks for one chunk at a time (static/js/bulk.js); each chunk is one transaction
with its audit entries, and the job's progress is in the database for every process.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_admin import expose
from werkzeug.wrappers import Response

from admin_app.admin.access import requires
from admin_app.admin.parsing import parse_uuid
from admin_app.auth.roles import current_operator, has_role
from admin_app.extensions import db
from admin_app.models import BulkJob, Role
from admin_app.models.naming import entity_type
from admin_app.trash import RestoreBlocked, restore_job
from admin_app.trash.bulk import CHUNK, BulkError, apply_chunk, fail, start_job
from admin_app.trash.purge_job import PurgeRefusedError, purge_chunk, start_purge
from admin_app.trash.restore_job import (
    JOB_KIND,
    RestoreJobError,
    as_one_job,
    is_big,
    job_batches,
    preflight,
    restore_chunk,
    restoring_batches,
    running_restore,
    start_restore,
    touched_batches,
)
from admin_app.trash.restore_job import fail as fail_restore

LABELS = {"trash": "Move to trash", "restore": "Restore", "purge": "Purge permanently"}
ROLES = {"trash": Role.EDITOR, "restore": Role.EDITOR, "purge": Role.ADMIN}


def _criteria() -> str:
    """The list's own arguments (search, filters), without ours, in a stable order."""
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k not in ("action", "page")]
    return urlencode(sorted(pairs))


class BulkBehaviour:
    """Mixed into list views; ``bulk_actions`` names what the view offers over a filter."""

    bulk_actions: tuple[str, ...] = ()
    list_template = "admin/model/list_with_bulk.html"
    model: Any
    render: Any
    get_url: Any
    list_query: Any
    _get_list_extra_args: Any

    def offered_bulk_actions(self) -> list[tuple[str, str, str]]:
        """(action, label, confirm URL) for the actions this operator may take."""
        query = _criteria()
        return [
            (action, LABELS[action], self.get_url(".bulk_view") + f"?action={action}&{query}")
            for action in self.bulk_actions
            if has_role(ROLES[action])
        ]

    def _bulk_query(self) -> Any:
        """The list's query with its search and filters, unsorted and unpaged."""
        args = self._get_list_extra_args()
        _, query = self.list_query(None, None, False, args.search, args.filters, None)
        return query.limit(None).offset(None).order_by(None)

    def _action(self) -> str:
        action = request.args.get("action", "")
        if action not in self.bulk_actions:
            abort(400, description="this list offers no such bulk action")
        if not has_role(ROLES[action]):
            abort(403)
        return action

    @expose("/bulk/", methods=["GET", "POST"])
    @requires(Role.EDITOR)
    def bulk_view(self) -> str | Response:
        action = self._action()
        query = self._bulk_query()
        total = query.count()
        if action == "restore" and total:
            batches = touched_batches(query, self.model)
            if running_restore(db.session, batches) or as_one_job(db.session, batches):
                return self._restore_as_job(batches, total)
        if request.method == "GET":  # the dry run: count only
            return str(
                self.render(
                    "admin/bulk/confirm.html",
                    action=action,
                    label=LABELS[action],
                    total=total,
                    criteria=_criteria(),
                )
            )
        if request.form.get("confirm") != "yes" or not total:
            flash("Nothing was done: tick the box to confirm.", "error")
            return redirect(self.get_url(".bulk_view") + f"?action={action}&{_criteria()}")
        if action == "purge" and (busy := self._restoring(query)) is not None:
            flash("Nothing was purged: a restore of a batch among these rows is running.", "error")
            return redirect(url_for("trash.restore_job", job_id=busy.id))
        operator = current_operator()
        job = start_job(
            db.session,
            action=action,
            entity_type=entity_type(self.model),
            criteria=_criteria(),
            total=total,
            operator_id=operator.id if operator else None,
        )
        db.session.commit()
        return redirect(self.get_url(".bulk_progress", job_id=job.id) + f"?{job.criteria}")

    def _restoring(self, query: Any) -> BulkJob | None:
        """A restore job running over a batch the matches belong to (a handful of jobs at most)."""
        restoring = restoring_batches(db.session)
        if not restoring:
            return None
        hit = query.filter(self.model.delete_batch.in_(restoring)).with_entities(
            self.model.delete_batch
        )
        batch = hit.limit(1).scalar()
        return None if batch is None else running_restore(db.session, [batch])

    def _restore_as_job(self, batch_ids: list[uuid.UUID], total: int) -> str | Response:
        """The matches' batches are big: the recycle bin's restore job, pre-flight first."""
        back = self.get_url(".bulk_view") + f"?action=restore&{_criteria()}"
        if request.method == "GET":
            plan = preflight(db.session, batch_ids)
            return str(
                self.render(
                    "admin/trash/bulk_restore_confirm.html",
                    total=total,
                    plan=plan,
                    big=restore_job.BIG_BATCH,
                    batches=[str(b) for b in batch_ids],
                    criteria=_criteria(),
                )
            )
        if request.form.get("confirm") != "yes":
            flash("Nothing was done: tick the box to confirm.", "error")
            return redirect(back)
        return start_restore_job(batch_ids, with_parents=False, blocked_url=back)

    def _job(self, job_id: str) -> BulkJob:
        try:
            job = db.session.get(BulkJob, uuid.UUID(job_id))
        except ValueError:
            job = None
        if job is None or job.entity_type != entity_type(self.model):
            abort(404)
        if not has_role(ROLES[job.action]):
            abort(403)
        return job

    @expose("/bulk/<job_id>/")
    @requires(Role.EDITOR)
    def bulk_progress(self, job_id: str) -> str:
        job = self._job(job_id)
        step = self.get_url(".bulk_step", job_id=job.id) + f"?{job.criteria}"
        return str(
            self.render(
                "admin/bulk/progress.html", job=job, label=LABELS[job.action], step_url=step
            )
        )

    @expose("/bulk/<job_id>/step/", methods=["POST"])
    @requires(Role.EDITOR)
    def bulk_step(self, job_id: str) -> Response:
        job = self._job(job_id)
        if _criteria() != job.criteria:
            abort(400, description="the step must carry the job's own filter")
        if job.status == "running":
            self._next_chunk(job)
        return jsonify(
            status=job.status, done=job.done, total=job.total, percent=job.percent, error=job.error
        )

    def _next_chunk(self, job: BulkJob) -> None:
        query = self._bulk_query()
        if job.last_id is not None:
            query = query.filter(self.model.id > job.last_id)
        records = query.order_by(self.model.id).limit(CHUNK).all()
        try:
            apply_chunk(db.session, job, records, chunk=CHUNK)
            db.session.commit()
        except BulkError as exc:
            db.session.rollback()
            fail(db.session, job.id, str(exc))
            db.session.commit()
            db.session.refresh(job)


def start_restore_job(
    batch_ids: list[uuid.UUID], *, with_parents: bool, blocked_url: str
) -> Response:
    """Start (or find) the batches' restore job and show its progress; the pre-flight first."""
    operator = current_operator()
    try:
        job, new = start_restore(
            db.session,
            batch_ids,
            with_parents=with_parents,
            operator_id=operator.id if operator else None,
        )
        db.session.commit()
    except RestoreBlocked as blocked:
        db.session.rollback()
        for problem in blocked.plan.problems:
            flash(f"Nothing was restored: {problem.message}.", "error")
        return redirect(blocked_url)
    if new:
        flash(
            f"{job.total:,} record(s) are more than {restore_job.BIG_BATCH:,}: they come back "
            "as a restore job, in chunks, with the progress below.",
            "info",
        )
    else:
        flash("A restore of this batch is already running: nothing new was started.", "info")
    return redirect(url_for("trash.restore_job", job_id=job.id))


class RestoreJobPages:
    """Mixed into the recycle bin: a big batch restores as a job, with its progress page."""

    render: Any

    def restore_as_job(self, batch_ids: list[uuid.UUID], with_parents: bool) -> Response | None:
        """Start (or find) the batch's restore job; None when the batch is small enough."""
        if (purging := running_restore(db.session, batch_ids, "purge")) is not None:
            flash("Nothing was restored: a purge of that batch is running.", "error")
            return redirect(url_for(".restore_job", job_id=purging.id))
        if running_restore(db.session, batch_ids) is None and not is_big(db.session, batch_ids):
            return None
        blocked_url = url_for(".preview", batch=[str(b) for b in batch_ids])
        return start_restore_job(batch_ids, with_parents=with_parents, blocked_url=blocked_url)

    def purge_as_job(self, batch_ids: list[uuid.UUID]) -> Response | None:
        """Start (or find) the batch's purge job; None when the batch is small enough."""
        running = running_restore(db.session, batch_ids, "purge")
        if running is None and not is_big(db.session, batch_ids):
            return None
        operator = current_operator()
        try:
            job, new = start_purge(
                db.session, batch_ids, operator_id=operator.id if operator else None
            )
            db.session.commit()
        except PurgeRefusedError as refused:
            db.session.rollback()
            flash(f"Nothing was purged: {refused}.", "error")
            return redirect(url_for(".preview", batch=[str(b) for b in batch_ids]))
        if new:
            flash(
                f"{job.total:,} record(s) are more than {restore_job.BIG_BATCH:,}: they are "
                "purged as a job, in chunks, with the progress below.",
                "info",
            )
        else:
            flash("A purge of this batch is already running: nothing new was started.", "info")
        return redirect(url_for(".restore_job", job_id=job.id))

    def _restore_job(self, job_id: str) -> BulkJob:
        key = parse_uuid(job_id)
        job = None if key is None else db.session.get(BulkJob, key)
        if job is None or job.entity_type != JOB_KIND:
            abort(404)
        if job.action == "purge" and not has_role(Role.ADMIN):
            abort(403)  # a purge job is an admin's, as every purge is
        return job

    @expose("/job/<job_id>/")
    @requires(Role.EDITOR)
    def restore_job(self, job_id: str) -> str:
        job = self._restore_job(job_id)
        return str(
            self.render(
                "admin/trash/restore_job.html",
                job=job,
                batches=[str(b) for b in job_batches(job)],
                step_url=url_for(".restore_job_step", job_id=job.id),
            )
        )

    @expose("/job/<job_id>/step/", methods=["POST"])
    @requires(Role.EDITOR)
    def restore_job_step(self, job_id: str) -> Response:
        job = self._restore_job(job_id)
        step = purge_chunk if job.action == "purge" else restore_chunk
        try:
            job = step(db.session, job.id)
            db.session.commit()
        except RestoreJobError as exc:
            db.session.rollback()
            job = fail_restore(db.session, job.id, str(exc)) or job
            db.session.commit()
        return jsonify(
            status=job.status, done=job.done, total=job.total, percent=job.percent, error=job.error
        )
