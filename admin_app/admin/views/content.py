"""Content views: soft-deletable models, where delete means trash; the demo domain's views."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.model.template import DeleteRowAction, LinkRowAction
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

from admin_app.admin.access import requires
from admin_app.admin.base import SecureModelView
from admin_app.admin.bulk import BulkBehaviour
from admin_app.admin.concurrency import VersionedEdits, stale_action_message, stale_records
from admin_app.auth.roles import current_operator
from admin_app.database import is_database_fault
from admin_app.extensions import db
from admin_app.models import Comment, Post, Priority, Profile, Role, Tag, Task, User
from admin_app.models.hierarchy import loop_message, would_loop
from admin_app.models.naming import entity_type
from admin_app.trash import TrashBatch, preview_cascade, soft_delete


def describe_counts(counts: Any) -> str:
    """'12 posts and 40 comments' from a Counter of table names."""
    parts = [f"{n} {table if n != 1 else table[:-1]}" for table, n in counts.most_common()]
    return " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)


class ContentView(BulkBehaviour, VersionedEdits, SecureModelView):
    """A soft-deletable model: delete asks first, saying what goes along, then trashes it all
    in one batch. Every row links to its history."""

    bulk_actions = ("trash",)
    details_template = "admin/model/details_with_history.html"
    edit_template = "admin/model/edit_with_history.html"

    def get_list_row_actions(self) -> list[Any]:
        actions = [a for a in super().get_list_row_actions() if not isinstance(a, DeleteRowAction)]
        actions.append(LinkRowAction("fa fa-history", self._history_url, title="History"))
        if self.can_delete:
            actions.append(LinkRowAction("fa fa-trash", self._confirm_url, title="Move to trash…"))
        return actions

    def _history_url(self, action: Any, row_id: Any, row: Any) -> str:
        return url_for("audit.history", entity_type=entity_type(self.model), entity_id=row_id)

    def _confirm_url(self, action: Any, row_id: Any, row: Any) -> str:
        return self.get_url(".delete_confirm", id=row_id)

    def _records(self, ids: list[str]) -> list[Any]:
        return [r for r in (self.get_one(i) for i in ids) if r is not None]

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
            return redirect(self.get_url(".index_view"))
        owned = preview_cascade(records)
        return self.render(
            "admin/trash/delete_confirm.html",
            records=records,
            owned=owned,
            owned_text=describe_counts(owned) if owned else "",
        )

    @expose("/trash-selected/", methods=["POST"])
    @requires(Role.EDITOR)
    def trash_selected(self) -> Response:
        records = self._records(request.form.getlist("rowid"))
        stale = stale_records(records, request.form)
        if stale:
            flash(stale_action_message(stale, request.form), "error")
            return redirect(self.get_url(".index_view"))
        if records:
            batch = self._trash(records)
            db.session.commit()
            flash(f"Moved {len(batch.records)} record(s) to the trash.", "success")
        return redirect(self.get_url(".index_view"))

    def delete_model(self, model: Any) -> bool:
        try:
            batch = self._trash([model])
            db.session.commit()
        except Exception as exc:
            db.session.rollback()
            if is_database_fault(exc):
                raise  # the app answers 503; a flash would need the database to render
            flash(f"Could not move the record to the trash: {exc}", "error")
            return False
        others = len(batch.records) - 1
        extra = f" with {others} record(s) it owns" if others else ""
        flash(f"Moved to the trash{extra}.", "success")
        return True

    def _trash(self, records: list[Any]) -> TrashBatch:
        operator = current_operator()
        return soft_delete(db.session, records, actor_id=operator.id if operator else None)


def _ajax(*fields: str) -> dict[str, Any]:
    # Foreign-key pickers search on the server, so no table is ever rendered whole in a dropdown.
    return {"fields": fields, "page_size": 20, "placeholder": "Type to search…"}


def _excerpt(view: Any, context: Any, model: Any, name: str) -> Markup:
    text = " ".join((getattr(model, name) or "").split())
    return escape(text if len(text) <= 80 else text[:79] + "…")


class UserView(ContentView):
    model_class = User
    column_list = ("username", "email", "full_name", "is_active", "post_count", "created_at")
    column_sortable_list = ("username", "email", "is_active", "created_at")
    column_searchable_list = ("username", "email", "first_name", "last_name")
    column_filters = ("is_active", "created_at")
    form_columns = ("username", "email", "first_name", "last_name", "is_active")


class ProfileView(ContentView):
    model_class = Profile
    column_list = ("user", "location", "website", "created_at")
    column_sortable_list = ("location", "created_at")
    column_searchable_list = ("location", "bio")
    form_columns = ("user", "bio", "website", "location")
    form_ajax_refs = {"user": _ajax("username", "email")}


class PostView(ContentView):
    model_class = Post
    column_list = ("title", "author", "tags", "published_at", "is_published", "created_at")
    # Sorting by author would join and sort every post: no index serves it (see the plans test).
    column_sortable_list = ("title", "published_at", "created_at")
    column_searchable_list = ("title", "body")
    column_filters = ("published_at", "created_at", "author.username")
    column_details_list = (
        "title",
        "slug",
        "author",
        "tags",
        "body",
        "published_at",
        "created_at",
        "updated_at",
        "reading_minutes",
        "comment_count",
    )
    form_columns = ("title", "author", "tags", "body", "published_at")
    form_ajax_refs = {"author": _ajax("username", "email"), "tags": _ajax("name")}
    column_formatters = {"body": _excerpt}
    column_formatters_detail: dict[str, Any] = {}  # the details page shows the whole body


class TagView(ContentView):
    model_class = Tag
    column_list = ("name", "slug", "created_at")
    column_sortable_list = ("name", "slug", "created_at")
    column_searchable_list = ("name",)
    form_columns = ("name",)


class CommentView(ContentView):
    model_class = Comment
    column_list = ("body", "author", "post", "parent", "created_at")
    column_sortable_list = ("created_at",)
    column_searchable_list = ("body",)
    column_formatters = {"body": _excerpt}
    column_formatters_detail: dict[str, Any] = {}  # the details page shows the whole body
    form_columns = ("body", "author", "post", "parent")
    form_ajax_refs = {
        "author": _ajax("username", "email"),
        "post": _ajax("title"),
        "parent": _ajax("body"),
    }

    def validate_form(self, form: Any) -> bool:
        valid = super().validate_form(form)
        edited, parent = getattr(form, "_obj", None), getattr(form, "parent", None)
        if edited is None or parent is None or parent.data is None:
            return valid
        table = Comment.__table__
        if would_loop(db.session, table, "parent_id", edited.id, parent.data.id):
            parent.errors = [*parent.errors, loop_message(Comment).capitalize() + "."]
            return False
        return valid


class TaskView(ContentView):
    model_class = Task
    column_list = ("title", "assignee", "priority", "due_at", "done_at", "is_overdue", "post")
    column_sortable_list = ("title", "priority", "due_at", "done_at")
    column_searchable_list = ("title",)
    column_filters = ("priority", "due_at", "done_at")
    column_choices = {"priority": [(p.value, p.label) for p in Priority]}
    # Tuples: Flask-Admin 2.2.1's Select2Field does not take WTForms 3.3's SelectChoice yet.
    form_choices = {"priority": [(str(p.value), p.label) for p in Priority]}
    form_columns = ("title", "assignee", "post", "priority", "due_at", "done_at")
    form_ajax_refs = {"assignee": _ajax("username", "email"), "post": _ajax("title")}


CONTENT_VIEWS = (UserView, ProfileView, PostView, TagView, CommentView, TaskView)
