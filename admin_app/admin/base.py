"""The base every console model view uses: access, CSRF forms, system fields, list and export."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from flask import flash, request
from flask_admin.babel import gettext
from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader, create_ajax_loader
from flask_admin.model import typefmt
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from wtforms.validators import ValidationError

from admin_app.admin.access import AccessMixin
from admin_app.admin.clock import one_zone, when
from admin_app.admin.converters import ConsoleFilterConverter, ConsoleModelConverter
from admin_app.admin.export import ExportBehaviour
from admin_app.admin.lists import ListBehaviour
from admin_app.admin.parsing import parse_key, parse_page
from admin_app.admin.rows import ListCells, ListRows, RowActions
from admin_app.admin.uniques import add_unique_errors
from admin_app.database import is_database_fault
from admin_app.models import Role
from admin_app.models.counters import STORED_VALUES

log = logging.getLogger(__name__)

# Kept by the database: shown through their hybrids, never set by a form.
STORED_FIELDS = tuple(sorted({value.attribute for value in STORED_VALUES}))

SYSTEM_FIELDS = (
    "id",
    "created_at",
    "updated_at",
    "version",
    "deleted_at",
    "deleted_by",
    "delete_batch",
    *STORED_FIELDS,
)


def _local_minutes(view: Any, value: datetime, name: str) -> str:
    return when(value)


TYPE_FORMATTERS = {**typefmt.BASE_FORMATTERS, datetime: _local_minutes}


def protected_fields(model: Any) -> tuple[str, ...]:
    """Fields no form may set: system columns, and the slug when the model generates it."""
    generated = ("slug",) if getattr(model, "__slug_source__", None) else ()
    return (*SYSTEM_FIELDS, *generated)


def without_fields(form_class: Any, names: tuple[str, ...]) -> Any:
    for name in names:
        if name in vars(form_class):
            delattr(form_class, name)  # WTForms' FormMeta forgets the field too
    return form_class


class StrictAjaxLoader(QueryAjaxModelLoader):
    """A picked foreign key or tag that is not an id of the model is no choice, not a 500."""

    def get_one(self, pk: Any) -> Any:
        key = parse_key(self.model, pk)
        return None if key is None else super().get_one(key)


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
    list_template = "admin/model/console_list.html"

    # What the page offers follows the roles: a viewer sees no create, edit or delete button.
    can_create = property(lambda self: self.allows("create_view"))
    can_edit = property(lambda self: self.allows("edit_view"))
    can_delete = property(lambda self: self.allows("delete_view"))
    can_export = property(lambda self: self.allows("export"))

    def render(self, template: str, **kwargs: Any) -> Any:
        if "list_row_actions" in kwargs:  # a list page: its row actions rendered once
            actions = RowActions(kwargs["list_row_actions"])
            cells = ListCells(self, kwargs["list_columns"])
            select = gettext("Select record")
            kwargs["list_rows"] = ListRows(self, actions, cells, select=select).render
        with one_zone():
            return super().render(template, **kwargs)

    # Whatever a view lists in form_columns, a posted system field has no field to land in.
    def get_form(self) -> Any:
        return without_fields(super().get_form(), protected_fields(self.model))

    def get_list_form(self) -> Any:
        return without_fields(super().get_list_form(), protected_fields(self.model))

    def edit_form(self, obj: Any = None) -> Any:
        form = super().edit_form(obj)
        # Flask-Admin's Unique validator reads form._obj to let a record keep its own value;
        # FlaskForm never sets it, so every edit of an operator said "Already exists.".
        form._obj = obj
        return form

    def list_form(self, obj: Any = None) -> Any:
        form = super().list_form(obj)
        form._obj = obj
        return form

    def validate_form(self, form: Any) -> bool:
        if not super().validate_form(form):
            return False
        return add_unique_errors(form, self.model, getattr(form, "_obj", None))

    # Malformed ids find nothing (Flask-Admin says so and goes back to the list); an absurd
    # page number is the first page.
    def get_one(self, id: Any) -> Any:
        key = parse_key(self.model, id)
        return None if key is None else super().get_one(str(key))

    def _get_list_extra_args(self) -> Any:
        args = super()._get_list_extra_args()
        args.page = parse_page(request.args.get("page"))
        return args

    def _create_ajax_loader(self, name: str, options: dict[str, Any]) -> Any:
        loader = create_ajax_loader(self.model, self.session, name, name, options)
        loader.__class__ = StrictAjaxLoader
        return loader

    def handle_view_exception(self, exc: Exception) -> bool:
        # Flask-Admin would flash a database fault and render the form again, which needs the
        # database too: let the app answer 503 instead.
        if is_database_fault(exc):
            raise exc
        # Flask-Admin flashes the exception's text, SQL and parameters included: say it plainly.
        if isinstance(exc, ValidationError):
            return bool(super().handle_view_exception(exc))
        log.warning("save refused in %s: %s", self.endpoint, type(exc).__name__, exc_info=exc)
        if isinstance(exc, IntegrityError):
            flash(
                "Not saved: a value is already used by another record, or a link is missing.",
                "error",
            )
        else:
            flash("Not saved: the record could not be written. Nothing was changed.", "error")
        return True

    def delete_model(self, model: Any) -> bool:
        # Never Flask-Admin's hard delete: content views trash, operator views deactivate.
        flash("Records of this kind cannot be deleted here.", "error")
        return False
