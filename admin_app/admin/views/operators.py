"""Operator management: admins only; passwords are set, never shown, never audited."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash
from wtforms import PasswordField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from admin_app.admin.base import SecureModelView
from admin_app.admin.concurrency import VersionedEdits
from admin_app.auth import sessions
from admin_app.auth.roles import current_operator
from admin_app.config import settings_of
from admin_app.extensions import db
from admin_app.models import LastAdminError, Operator, Role
from admin_app.models.accounts import MANAGED
from admin_app.trash.locking import lock_rows


def configured_length(form: Any, field: Any) -> None:
    """At least ``security.min_password_length`` characters, read when the form validates."""
    minimum = settings_of(current_app)["security"]["min_password_length"]
    Length(min=minimum, max=200)(form, field)


class OperatorView(VersionedEdits, SecureModelView):
    model_class = Operator
    # Sign-ins and an operator's own preferences do not make an admin's open form stale.
    versioned_fields = MANAGED
    minimum_role = Role.ADMIN
    column_list = ("username", "role", "is_active", "last_login_at", "created_at")
    column_exclude_list = (
        "password_hash",
        "session_epoch",
        "totp_secret",
        "recovery_codes",
        "version",
    )
    column_details_exclude_list = (
        "password_hash",
        "session_epoch",
        "version",
        "totp_secret",
        "totp_last_step",
        "recovery_codes",
    )
    column_searchable_list = ("username",)
    column_filters = ("role", "is_active")
    column_labels = {"is_active": "Active"}
    # Listed, or Flask-Admin leaves the extra password field out of the form.
    form_columns = ("username", "role", "is_active", "new_password")
    form_extra_fields = {
        "role": SelectField("Role", choices=[SelectChoice(r.value, r.value.title()) for r in Role]),
        "new_password": PasswordField(
            "New password",
            validators=[Optional(), configured_length],
            description="Required for a new operator; leave empty to keep the current one.",
        ),
    }

    def update_model(self, form: Any, model: Any) -> bool:
        # Operators have no ORM version counter (sign-ins would move it), so the row is locked
        # and read again before the version check: no save slips in between check and commit.
        lock_rows(db.session, Operator, [model.id])
        db.session.refresh(model)
        return super().update_model(form, model)

    def on_model_change(self, form: Any, model: Operator, is_created: bool) -> None:
        if form.new_password.data:
            model.set_password(form.new_password.data)
        elif is_created:
            raise ValidationError("A new operator needs a password.")

    def after_model_change(self, form: Any, model: Operator, is_created: bool) -> None:
        # Changing one's own password or role ends one's other sessions, not this one.
        if model is current_operator() and model.is_active:
            sessions.renew(model)

    def handle_view_exception(self, exc: Exception) -> bool:
        if isinstance(exc, LastAdminError):
            flash(str(exc), "error")
            return True
        return bool(super().handle_view_exception(exc))

    def delete_model(self, model: Any) -> bool:
        # Operators are not soft-deletable: deactivating keeps their audit history intact.
        model.is_active = False
        try:
            db.session.commit()
        except LastAdminError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return False
        return True
