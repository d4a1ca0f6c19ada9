"""The base every console model view uses: access, CSRF forms, system fields, list and export."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import flash
from flask_admin.model import typefmt
from flask_wtf import FlaskForm

from admin_app.admin.access import AccessMixin
from admin_app.admin.converters import ConsoleFilterConverter, ConsoleModelConverter
from admin_app.admin.export import ExportBehaviour
from admin_app.admin.lists import ListBehaviour
from admin_app.models import Role
from admin_app.models.counters import STORED_VALUES

# Kept by the database: shown through their hybrids, never set by a form.
STORED_FIELDS = tuple(sorted({value.attribute for value in STORED_VALUES}))
SYSTEM_FIELDS = (
    "id",
    "created_at",
    "updated_at",
    "deleted_at",
    "deleted_by",
    "delete_batch",
    *STORED_FIELDS,
)


def _utc_minutes(view: Any, value: datetime, name: str) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


TYPE_FORMATTERS = {**typefmt.BASE_FORMATTERS, datetime: _utc_minutes}


def protected_fields(model: Any) -> tuple[str, ...]:
    """Fields no form may set: system columns, and the slug when the model generates it."""
    generated = ("slug",) if getattr(model, "__slug_source__", None) else ()
    return (*SYSTEM_FIELDS, *generated)


def without_fields(form_class: Any, names: tuple[str, ...]) -> Any:
    for name in names:
        if name in vars(form_class):
            delattr(form_class, name)  # WTForms' FormMeta forgets the field too
    return form_class


class SecureModelView(AccessMixin, ListBehaviour, ExportBehaviour):
    """Signed-in operators read; editors write."""

    model_class: Any = None
    # Flask-Admin's own endpoints; a view's added endpoints declare theirs with @requires.
    library_endpoint_roles = {
        "index_view": Role.VIEWER,
        "details_view": Role.VIEWER,
        "ajax_lookup": Role.VIEWER,
        "create_view": Role.EDITOR,
        "edit_view": Role.EDITOR,
        "delete_view": Role.EDITOR,
        "action_view": Role.EDITOR,
        "export": Role.EDITOR,
        "ajax_update": Role.EDITOR,
    }
    form_base_class = FlaskForm  # CSRFProtect checks the token; SecureForm would double it.
    model_form_converter = ConsoleModelConverter
    filter_converter = ConsoleFilterConverter()
    fast_mass_delete = False  # bulk delete must go through delete_model, never a bulk DELETE
    can_view_details = True
    can_set_page_size = True
    page_size = 20
    column_display_pk = False
    form_excluded_columns = (*SYSTEM_FIELDS, "slug")
    column_details_exclude_list = ("delete_batch", *STORED_FIELDS)
    column_default_sort = ("created_at", True)
    column_type_formatters = TYPE_FORMATTERS
    column_type_formatters_detail = TYPE_FORMATTERS

    # What the page offers follows the roles: a viewer sees no create, edit or delete button.
    can_create = property(lambda self: self.allows("create_view"))
    can_edit = property(lambda self: self.allows("edit_view"))
    can_delete = property(lambda self: self.allows("delete_view"))
    can_export = property(lambda self: self.allows("export"))

    # Whatever a view lists in form_columns, a posted system field has no field to land in.
    def get_form(self) -> Any:
        return without_fields(super().get_form(), protected_fields(self.model))

    def get_list_form(self) -> Any:
        return without_fields(super().get_list_form(), protected_fields(self.model))

    def delete_model(self, model: Any) -> bool:
        # Never Flask-Admin's hard delete: content views trash, operator views deactivate.
        flash("Records of this kind cannot be deleted here.", "error")
        return False
