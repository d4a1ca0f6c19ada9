"""Per-model trash lists at /admin/<model>-trash/: trashed rows, restore and purge actions."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from markupsafe import Markup, escape
from sqlalchemy import func
from werkzeug.wrappers import Response

from admin_app.admin.access import requires
from admin_app.admin.base import STORED_FIELDS, SecureModelView
from admin_app.admin.bulk import BulkBehaviour
from admin_app.admin.parsing import parse_key
from admin_app.admin.views.content import ContentView
from admin_app.extensions import db
from admin_app.models import Operator, Role
from admin_app.soft_delete import get_with_deleted, with_deleted
from admin_app.trash import lock_rows, preview_cascade, purge, running_restore


def _batch_link(view: Any, context: Any, model: Any, name: str) -> Markup:
    url = url_for("trash.batch", batch_id=model.delete_batch)
    return Markup('<a href="{}">Preview &amp; restore…</a>').format(url)


def _operator_name(view: Any, context: Any, model: Any, name: str) -> str:
    # Few operators exist; the identity map answers repeats without a query.
    operator = db.session.get(Operator, model.deleted_by) if model.deleted_by else None
    return str(escape(operator.username)) if operator else "system"


class TrashModelView(BulkBehaviour, SecureModelView):
    """Trashed rows only; nothing is created or edited here."""

    can_create = can_edit = can_delete = can_export = False
    bulk_actions = ("restore", "purge")
    column_default_sort = ("deleted_at", True)
    column_formatters = {"delete_batch": _batch_link, "deleted_by": _operator_name}
    column_labels = {"delete_batch": "Batch", "deleted_by": "Deleted by"}
    column_details_exclude_list: tuple[str, ...] = STORED_FIELDS

    def _trashed(self, query: Any) -> Any:
        return with_deleted(query).filter(self.model.deleted_at.is_not(None))

    def get_query(self) -> Any:
        return self._trashed(db.session.query(self.model))

    def get_count_query(self) -> Any:
        return self._trashed(db.session.query(func.count("*")).select_from(self.model))

    def _key(self, raw: Any) -> Any:
        return parse_key(self.model, raw)

    def get_sortable_columns(self) -> dict[Any, Any]:
        # Only what an index over trashed rows serves; hybrid sorts are for live lists.
        sortable = super().get_sortable_columns()
        return {name: column for name, column in sortable.items() if name == "deleted_at"}

    @property
    def count_estimate_index(self) -> str:
        return f"ix_{self.model.__tablename__}_trashed"

    def get_one(self, id: Any) -> Any:
        key = self._key(id)
        record = None if key is None else get_with_deleted(db.session, self.model, key)
        return record if record is not None and record.deleted_at is not None else None

    def _selected(self, ids: list[str]) -> list[Any]:
        return [record for record in map(self.get_one, ids) if record is not None]

    @action("restore", "Restore…")
    @requires(Role.EDITOR)
    def action_restore(self, ids: list[str]) -> Response:
        batches = sorted({str(r.delete_batch) for r in self._selected(ids)})
        return redirect(url_for("trash.preview", batch=batches))

    @action("purge", "Purge permanently…")
    @requires(Role.ADMIN)
    def action_purge(self, ids: list[str]) -> str:
        records = self._selected(ids)
        owned = preview_cascade(records, include_deleted=True)
        return self.render("admin/trash/purge_confirm.html", records=records, owned=owned)

    @expose("/purge/", methods=["POST"])
    @requires(Role.ADMIN)
    def purge_selected(self) -> Response:
        ids = [key for key in map(self._key, request.form.getlist("rowid")) if key is not None]
        lock_rows(db.session, self.model, ids)  # a concurrent restore of them waits, or we do
        records = self._selected(ids)
        if request.form.get("confirm") != "yes" or not records:
            flash("Nothing was purged: tick the box to confirm.", "error")
            return redirect(self.get_url(".index_view"))
        if (job := running_restore(db.session, {r.delete_batch for r in records})) is not None:
            db.session.rollback()
            flash("Nothing was purged: a restore of that batch is running.", "error")
            return redirect(url_for("trash.restore_job", job_id=job.id))
        removed = purge(db.session, records)
        db.session.commit()
        flash(f"Purged {sum(removed.values())} record(s) permanently.", "success")
        return redirect(self.get_url(".index_view"))


def trash_view_for(content_view: type[ContentView]) -> type[TrashModelView]:
    """A trash view showing the first columns of ``content_view`` plus when, who and batch."""
    leading = tuple(c for c in (content_view.column_list or ())[:2] if not str(c).startswith("is_"))
    return type(
        f"{content_view.model_class.__name__}TrashView",
        (TrashModelView,),
        {
            "model_class": content_view.model_class,
            "column_list": (*leading, "deleted_at", "deleted_by", "delete_batch"),
            "column_searchable_list": content_view.column_searchable_list,
            "column_filters": ("deleted_at",),
        },
    )
