"""Operator management: admins only; passwords are set, never shown."""

from __future__ import annotations

from typing import Any

from flask import current_app
from wtforms import PasswordField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from admin_app.admin.base import SecureModelView
from admin_app.config import settings_of
from admin_app.extensions import db
from admin_app.models import Operator, Role


def configured_length(form: Any, field: Any) -> None:
    """At least ``security.min_password_length`` characters, read when the form validates."""
    minimum = settings_of(current_app)["security"]["min_password_length"]
    Length(min=minimum, max=200)(form, field)


class OperatorView(SecureModelView):
    model_class = Operator
    minimum_role = Role.ADMIN
    column_list = ("username", "role", "is_active", "last_login_at", "created_at")
    column_exclude_list = ("password_hash",)
    column_details_exclude_list = ("password_hash",)
    column_searchable_list = ("username",)
    column_filters = ("role", "is_active")
    form_columns = ("username", "role", "is_active")
    form_extra_fields = {
        "role": SelectField("Role", choices=[SelectChoice(r.value, r.value.title()) for r in Role]),
        "new_password": PasswordField(
            "New password",
            validators=[Optional(), configured_length],
            description="Leave empty to keep the current password.",
        ),
    }

    def on_model_change(self, form: Any, model: Operator, is_created: bool) -> None:
        if form.new_password.data:
            model.set_password(form.new_password.data)
        elif is_created:
            raise ValueError("a new operator needs a password")

    def delete_model(self, model: Any) -> bool:
        # Operators are not soft-deletable: deactivating keeps their audit history intact.
        model.is_active = False
        db.session.commit()
        return True
