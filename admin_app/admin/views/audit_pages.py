"""The audit trail's pages about one transaction or one moment: undo it, or see the record then."""

from __future__ import annotations

import uuid
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from werkzeug.wrappers import Response

from admin_app.admin.access import requires
from admin_app.admin.audit_display import remember_references
from admin_app.admin.parsing import parse_uuid
from admin_app.audit.as_of import record_as_of
from admin_app.auth.roles import current_operator
from admin_app.extensions import db
from admin_app.models import AuditEntry, Role
from admin_app.undo import UndoError, plan_undo, undo


def uuid_or_404(value: str, what: str) -> uuid.UUID:
    key = parse_uuid(value)
    if key is None:
        abort(404, description=f"no {what} has that id")
    return key


class AuditMomentPages:
    """Mixed into the audit view: its endpoints and template helpers come from there."""

    render: Any

    @expose("/transaction/<transaction_id>/undo/", methods=["GET", "POST"])
    @requires(Role.EDITOR)
    def undo(self, transaction_id: str) -> str | Response:
        tx = uuid_or_404(transaction_id, "transaction")
        if request.method == "GET":
            plan = plan_undo(db.session, tx)
            remember_references(step.entry for step in plan.steps)
            return str(self.render("admin/audit/undo.html", plan=plan))
        operator = current_operator()
        try:
            undo(
                db.session,
                tx,
                actor_id=operator.id if operator else None,
                overwrite_later_changes=request.form.get("overwrite") == "yes",
            )
            db.session.commit()
        except UndoError as exc:
            db.session.rollback()
            flash(f"Nothing was undone: {exc}.", "error")
            return redirect(url_for(".undo", transaction_id=tx))
        flash("The transaction was undone in one new transaction.", "success")
        return redirect(url_for(".transaction", transaction_id=tx))

    @expose("/as-of/<entry_id>/")
    @requires(Role.VIEWER)
    def as_of(self, entry_id: str) -> str:
        entry = db.session.get(AuditEntry, uuid_or_404(entry_id, "entry"))
        if entry is None:
            abort(404)
        state = record_as_of(db.session, entry)
        return str(self.render("admin/audit/as_of.html", entry=entry, state=state))
