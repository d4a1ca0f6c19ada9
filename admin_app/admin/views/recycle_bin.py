"""One recycle bin across all models: batches, restore preview, restore, purge, retention."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from flask import abort, current_app, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from werkzeug.wrappers import Response

from admin_app.admin.access import AccessMixin, requires
from admin_app.admin.bulk import RestoreJobPages
from admin_app.columns import utc_now
from admin_app.config import settings_of
from admin_app.extensions import db
from admin_app.models import DOMAIN_MODELS, Role
from admin_app.models.batches import count_batches, newest_batches
from admin_app.models.keyset import CursorError, cursor_time, decode_cursor, encode_cursor
from admin_app.trash import (
    RestoreBlocked,
    batch_records,
    lock_batches,
    purge,
    purge_older_than,
    restore,
    running_restore,
)
from admin_app.trash.restore_job import preview

PAGE_SIZE = 50
CURSOR = "batches"  # what a recycle bin cursor follows: newest deleted first
GONE = "that batch is no longer in the trash (someone restored or purged it already)"


def parse_batch_ids(values: list[str]) -> list[uuid.UUID]:
    """Batch ids from the request; a malformed one is a 400, not a 500."""
    try:
        return [uuid.UUID(value) for value in values]
    except ValueError:
        abort(400, description="malformed batch id")


def _before(raw: str | None) -> tuple[datetime, uuid.UUID] | None:
    """The batch an "Older" link continues after; a link we did not make shows the newest."""
    if not raw:
        return None
    try:
        at, batch_id = decode_cursor(raw, sort=CURSOR)
        return cursor_time(at), uuid.UUID(batch_id)
    except (CursorError, ValueError):
        flash(
            "That page link is not one the recycle bin made; showing the newest batches.", "error"
        )
        return None


class RecycleBinView(RestoreJobPages, AccessMixin, BaseView):
    """Viewers look; editors restore; admins purge."""

    @expose("/")
    @requires(Role.VIEWER)
    def index(self) -> str:
        """The newest batches; "Older" continues after the last one shown (keyset, no OFFSET)."""
        models = list(DOMAIN_MODELS)
        before = _before(request.args.get("before"))
        shown = newest_batches(db.session, models, limit=PAGE_SIZE, before=before)
        threshold = settings_of(current_app)["lists"]["count_threshold"]
        last = shown.batches[-1] if shown.batches else None
        return self.render(
            "admin/trash/index.html",
            batches=shown.batches,
            total=count_batches(db.session, models, threshold=threshold),
            newer=before is not None,
            older=encode_cursor(CURSOR, last.deleted_at, last.id) if shown.more and last else None,
        )

    @expose("/batch/<batch_id>/")
    @requires(Role.VIEWER)
    def batch(self, batch_id: str) -> str:
        return self._preview(parse_batch_ids([batch_id]))

    @expose("/preview/")
    @requires(Role.VIEWER)
    def preview(self) -> str:
        return self._preview(parse_batch_ids(request.args.getlist("batch")))

    def _preview(self, batch_ids: list[uuid.UUID]) -> str:
        with_parents = request.args.get("with_parents") == "1"
        plan = preview(db.session, batch_ids, with_parents=with_parents)  # big: the first rows
        if not plan.records:
            abort(404, description="nothing in the trash for that batch")
        return self.render("admin/trash/preview.html", plan=plan, with_parents=with_parents)

    @expose("/restore/", methods=["POST"])
    @requires(Role.EDITOR)
    def restore(self) -> Response:
        batch_ids = parse_batch_ids(request.form.getlist("batch"))
        with_parents = request.form.get("with_parents") == "1"
        if (as_job := self.restore_as_job(batch_ids, with_parents)) is not None:
            return as_job  # a big batch, or one whose restore job is running
        try:
            plan = restore(db.session, batch_ids, with_parents=with_parents)
            db.session.commit()
        except RestoreBlocked as blocked:
            db.session.rollback()
            for problem in blocked.plan.problems:
                flash(f"Nothing was restored: {problem.message}.", "error")
            return redirect(url_for(".preview", batch=[str(b) for b in batch_ids]))
        if not plan.records:
            flash(f"Nothing was restored: {GONE}.", "info")
        else:
            flash(f"Restored {len(plan.records)} record(s).", "success")
        return redirect(url_for(".index"))

    @expose("/purge/", methods=["POST"])
    @requires(Role.ADMIN)
    def purge(self) -> Response:
        batch_ids = parse_batch_ids(request.form.getlist("batch"))
        if request.form.get("confirm") != "yes":
            flash("Tick the box to confirm that purging cannot be undone.", "error")
            return redirect(url_for(".preview", batch=[str(b) for b in batch_ids]))
        lock_batches(db.session, batch_ids)  # a restore of the same batch waits, or we do
        if (job := running_restore(db.session, batch_ids)) is not None:
            db.session.rollback()
            flash("Nothing was purged: a restore of that batch is running.", "error")
            return redirect(url_for(".restore_job", job_id=job.id))
        if (as_job := self.purge_as_job(batch_ids)) is not None:
            return as_job  # a big batch, or one whose purge job is running
        records = batch_records(db.session, batch_ids)
        if not records:
            db.session.rollback()
            flash(f"Nothing was purged: {GONE}.", "info")
            return redirect(url_for(".index"))
        removed = purge(db.session, records)
        db.session.commit()
        flash(f"Purged {sum(removed.values())} record(s) permanently.", "success")
        return redirect(url_for(".index"))

    @expose("/retention/", methods=["GET", "POST"])
    @requires(Role.ADMIN)
    def retention(self) -> str | Response:
        days = settings_of(current_app)["trash"]["purge_after_days"]
        cutoff = utc_now() - timedelta(days=days)
        if request.method == "POST":
            removed = purge_older_than(db.session, before=cutoff)
            db.session.commit()
            flash(f"Purged {sum(removed.values())} record(s) older than {days} days.", "success")
            return redirect(url_for(".index"))
        counts = purge_older_than(db.session, before=cutoff, dry_run=True)
        return self.render("admin/trash/retention.html", counts=counts, days=days, cutoff=cutoff)
