"""Declarative console views for the demo domain."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from admin_app.admin.base import SecureModelView
from admin_app.admin.trashing import TrashingMixin
from admin_app.models import Comment, Post, Priority, Profile, Tag, Task, User


class ContentView(TrashingMixin, SecureModelView):
    """A soft-deletable model: delete asks first, saying what goes along, then trashes."""


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
    column_searchable_list = ("location", "bio")
    form_columns = ("user", "bio", "website", "location")
    form_ajax_refs = {"user": _ajax("username", "email")}


class PostView(ContentView):
    model_class = Post
    column_list = ("title", "author", "tags", "published_at", "is_published", "created_at")
    column_sortable_list = ("title", "published_at", "created_at", ("author", "author.username"))
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


class TagView(ContentView):
    model_class = Tag
    column_list = ("name", "slug", "created_at")
    column_searchable_list = ("name",)
    form_columns = ("name",)


class CommentView(ContentView):
    model_class = Comment
    column_list = ("body", "author", "post", "parent", "created_at")
    column_searchable_list = ("body",)
    column_formatters = {"body": _excerpt}
    form_columns = ("body", "author", "post", "parent")
    form_ajax_refs = {
        "author": _ajax("username", "email"),
        "post": _ajax("title"),
        "parent": _ajax("body"),
    }


class TaskView(ContentView):
    model_class = Task
    column_list = ("title", "assignee", "priority", "due_at", "done_at", "is_overdue", "post")
    column_sortable_list = ("title", "priority", "due_at", "done_at")
    column_searchable_list = ("title",)
    column_filters = ("priority", "due_at", "done_at")
    column_choices = {"priority": [(1, "Low"), (2, "Normal"), (3, "High"), (4, "Urgent")]}
    # Tuples: Flask-Admin 2.2.1's Select2Field does not take WTForms 3.3's SelectChoice yet.
    form_choices = {"priority": [(str(p.value), p.name.title()) for p in Priority]}
    form_columns = ("title", "assignee", "post", "priority", "due_at", "done_at")
    form_ajax_refs = {"assignee": _ajax("username", "email"), "post": _ajax("title")}


CONTENT_VIEWS = (UserView, ProfileView, PostView, TagView, CommentView, TaskView)
