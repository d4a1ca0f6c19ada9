"""Delete means trash: a confirmation page that says what goes along, then one batch."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.model.template import DeleteRowAction, LinkRowAction
from werkzeug.wrappers import Response

from admin_app.admin.access import requires
from admin_app.auth.roles import current_operator
from admin_app.extensions import db
from admin_app.models import Role
from admin_app.trash import preview_cascade, soft_delete


def describe_counts(counts: Any) -> str:
    """'12 posts and 40 comments' from a Counter of table names."""
    parts = [f"{n} {table if n != 1 else table[:-1]}" for table, n in counts.most_common()]
    return " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)


class TrashingMixin:
    """For model views over soft-deletable models: delete asks first, then trashes in one batch."""

    details_template = "admin/model/details_with_history.html"
    edit_template = "admin/model/edit_with_history.html"

    def get_list_row_actions(self) -> list[Any]:
        actions = [a for a in super().get_list_row_actions() if not isinstance(a, DeleteRowAction)]  # type: ignore[misc]
        actions.append(LinkRowAction("fa fa-history", self._history_url, title="History"))
        if self.can_delete:  # type: ignore[attr-defined]
            url = lambda _action, row_id, _row: self.get_url(".delete_confirm", id=row_id)  # type: ignore[attr-defined]  # noqa: E731
            actions.append(LinkRowAction("fa fa-trash", url, title="Move to trash…"))
        return actions

    def _history_url(self, action: Any, row_id: Any, row: Any) -> str:
        return url_for("audit.history", entity_type=self.model.__name__.lower(), entity_id=row_id)  # type: ignore[attr-defined]

    def _records(self, ids: list[str]) -> list[Any]:
        return [r for r in (self.get_one(i) for i in ids) if r is not None]  # type: ignore[attr-defined]

    @expose("/delete-confirm/")
    @requires(Role.EDITOR)
    def delete_confirm(self) -> Any:
        return self._confirm(request.args.getlist("id"))

    @action("delete", "Move to trash…")
    @requires(Role.EDITOR)
    def action_delete(self, ids: list[str]) -> Any:
        return self._confirm(ids)

    def _confirm(self, ids: list[str]) -> Any:
        records = self._records(ids)
        if not records:
            flash("Those records are no longer there.", "error")
            return redirect(self.get_url(".index_view"))  # type: ignore[attr-defined]
        owned = preview_cascade(records)
        return self.render(  # type: ignore[attr-defined]
            "admin/trash/delete_confirm.html",
            records=records,
            owned=owned,
            owned_text=describe_counts(owned) if owned else "",
        )

    @expose("/trash-selected/", methods=["POST"])
    @requires(Role.EDITOR)
    def trash_selected(self) -> Response:
        records = self._records(request.form.getlist("rowid"))
        if records:
            operator = current_operator()
            batch = soft_delete(db.session, records, actor_id=operator.id if operator else None)
            db.session.commit()
            flash(f"Moved {len(batch.records)} record(s) to the trash.", "success")
        return redirect(self.get_url(".index_view"))  # type: ignore[attr-defined]
