"""The audit trail in the console: read-only list, per-record history, snapshots, revert."""

from __future__ import annotations

import uuid
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from markupsafe import Markup, escape
from sqlalchemy import select
from werkzeug.wrappers import Response

from admin_app.admin.access import requires
from admin_app.admin.audit_display import (
    remember_references,
    render_changes,
    transaction_label,
)
from admin_app.admin.base import SecureModelView
from admin_app.admin.parsing import parse_uuid
from admin_app.admin.views.audit_pages import AuditMomentPages
from admin_app.audit.revert import MODELS, REVERTIBLE, RevertError, plan_revert, revert
from admin_app.extensions import db
from admin_app.models import AuditEntry, Role
from admin_app.soft_delete import get_with_deleted


def _changes_formatter(view: Any, context: Any, model: AuditEntry, name: str) -> Markup:
    return render_changes(model)


def _record_link(view: Any, context: Any, model: AuditEntry, name: str) -> Markup:
    if not model.entity_id:
        return escape(model.entity_repr)
    url = url_for("audit.record", entry_id=model.id)
    return Markup('<a href="{}">{}</a>').format(url, model.entity_repr)


def _transaction_link(view: Any, context: Any, model: AuditEntry, name: str) -> Markup:
    return transaction_label(model.transaction_id)


class AuditView(AuditMomentPages, SecureModelView):
    """Everyone signed in reads the trail; nobody edits it; editors revert from it."""

    model_class = AuditEntry
    can_create = can_edit = can_delete = False
    column_list = (
        "occurred_at",
        "actor_name",
        "action",
        "entity_type",
        "entity_repr",
        "changes",
        "transaction_id",
    )
    column_labels = {
        "actor_name": "Actor",
        "entity_type": "Type",
        "entity_repr": "Record",
        "transaction_id": "Transaction",
    }
    column_default_sort = ("occurred_at", True)
    column_searchable_list = ("entity_repr", "actor_name")
    column_filters = (
        "entity_type",
        "entity_id",
        "actor_name",
        "action",
        "occurred_at",
        "transaction_id",
    )
    column_formatters = {
        "changes": _changes_formatter,
        "entity_repr": _record_link,
        "transaction_id": _transaction_link,
    }
    column_formatters_detail = {"changes": _changes_formatter}
    column_details_exclude_list: tuple[str, ...] = ()

    def get_list(self, *args: Any, **kwargs: Any) -> Any:
        count, entries = super().get_list(*args, **kwargs)
        if isinstance(entries, list):  # not the unexecuted query an export asks for
            remember_references(entries)  # one query per referenced model for the page
        return count, entries

    def _entry(self, entry_id: str) -> AuditEntry:
        key = parse_uuid(entry_id)
        entry = None if key is None else db.session.get(AuditEntry, key)
        if entry is None:
            abort(404)
        return entry

    @expose("/record/<entry_id>/")
    @requires(Role.VIEWER)
    def record(self, entry_id: str) -> Response:
        """Go to the record now: live, in the trash, or (purged) the entry's own snapshot."""
        entry = self._entry(entry_id)
        model = _model_named(entry.entity_type)
        found = model and get_with_deleted(db.session, model, uuid.UUID(entry.entity_id))
        if not found:
            flash("That record was purged; this entry keeps its last snapshot.", "info")
            return redirect(url_for(".details_view", id=_last_snapshot_id(entry)))
        trashed = getattr(found, "deleted_at", None) is not None
        endpoint = f"{entry.entity_type}_trash" if trashed else entry.entity_type
        return redirect(url_for(f"{endpoint}.details_view", id=found.id))

    @expose("/history/<entity_type>/<entity_id>/")
    @requires(Role.VIEWER)
    def history(self, entity_type: str, entity_id: str) -> str:
        stmt = (
            select(AuditEntry)
            .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == entity_id)
            .order_by(AuditEntry.occurred_at.desc())
            .limit(500)
        )
        entries = db.session.scalars(stmt).all()
        remember_references(entries)
        return self.render(
            "admin/audit/history.html",
            entries=entries,
            title=entity_type,
            render_changes=render_changes,
            revertible=REVERTIBLE,
        )

    @expose("/transaction/<transaction_id>/")
    @requires(Role.VIEWER)
    def transaction(self, transaction_id: str) -> str:
        key = parse_uuid(transaction_id)
        if key is None:
            abort(404)
        stmt = (
            select(AuditEntry)
            .where(AuditEntry.transaction_id == key)
            .order_by(AuditEntry.occurred_at)
        )
        entries = db.session.scalars(stmt).all()
        remember_references(entries)
        return self.render(
            "admin/audit/history.html",
            entries=entries,
            title="transaction",
            transaction_id=transaction_id,
            render_changes=render_changes,
            revertible=REVERTIBLE,
        )

    @expose("/revert/<entry_id>/", methods=["GET", "POST"])
    @requires(Role.EDITOR)
    def revert(self, entry_id: str) -> str | Response:
        entry = self._entry(entry_id)
        try:
            plan = plan_revert(db.session, entry)
        except RevertError as exc:
            flash(f"Cannot revert: {exc}.", "error")
            return redirect(
                url_for(".history", entity_type=entry.entity_type, entity_id=entry.entity_id)
            )
        if request.method == "GET":
            return self.render("admin/audit/revert.html", plan=plan, entry=entry)
        return self._do_revert(entry)

    def _do_revert(self, entry: AuditEntry) -> Response:
        back = url_for(".history", entity_type=entry.entity_type, entity_id=entry.entity_id)
        try:
            revert(
                db.session, entry, overwrite_later_changes=request.form.get("overwrite") == "yes"
            )
            db.session.commit()
        except RevertError as exc:
            db.session.rollback()
            flash(f"Nothing was reverted: {exc}. Confirm to overwrite them.", "error")
            return redirect(url_for(".revert", entry_id=entry.id))
        flash("Reverted; the revert is in the history.", "success")
        return redirect(back)


def _model_named(entity_type: str) -> Any:
    return MODELS.get(entity_type)


def _last_snapshot_id(entry: AuditEntry) -> uuid.UUID:
    stmt = (
        select(AuditEntry.id)
        .where(AuditEntry.entity_type == entry.entity_type, AuditEntry.entity_id == entry.entity_id)
        .order_by(AuditEntry.occurred_at.desc())
        .limit(1)
    )
    return db.session.scalar(stmt) or entry.id
