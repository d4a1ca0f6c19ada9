"""Optimistic concurrency in console forms: a save made from an older version of a record
changes nothing and says who changed what since the form was opened.

The version the form was opened at travels in a hidden field; the ORM's version counter
catches the rarer race between reading the record and committing the save.
"""

from __future__ import annotations

from typing import Any

from flask import flash
from flask_admin.contrib.sqla import ModelView
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField

from admin_app.admin.parsing import parse_int
from admin_app.audit import since
from admin_app.extensions import db
from admin_app.models import AuditEntry

SEEN = "seen_version"
RACED = "Not saved: someone saved this record at the same moment. Reload it and try again."


def changes_since(model: Any, seen: int, fields: tuple[str, ...] | None = None) -> list[AuditEntry]:
    """The audit entries of the writes that moved ``model`` past version ``seen``, oldest first."""
    return since.changes_since(db.session, model, seen, fields)


def stale_message(model: Any, seen: int, fields: tuple[str, ...] | None = None) -> str:
    done = [
        f"{entry.actor_name} ({entry.action.replace('_', ' ')}: {', '.join(sorted(entry.changes))})"
        for entry in changes_since(model, seen, fields)
    ]
    who = "; ".join(done) or "someone"
    return (
        f"Not saved: since you opened this form, {who} changed this record. Nothing was "
        "overwritten: reload it to see it as it is now."
    )


def stale_records(records: list[Any], form: Any) -> list[Any]:
    """The records whose version changed since the page that lists them was shown.

    A page posts ``version-<id>`` for each record it showed; a record without one is taken
    as seen (older pages, scripts).
    """
    stale = []
    for record in records:
        seen = form.get(f"version-{record.id}")
        if seen is not None and parse_int(seen) != record.version:
            stale.append(record)
    return stale


def stale_action_message(stale: list[Any], seen: Any) -> str:
    """What a refused list action tells: which records moved on, and who moved them."""
    parts = []
    for record in stale:
        since = parse_int(seen.get(f"version-{record.id}")) or 0
        who = sorted({entry.actor_name for entry in changes_since(record, since)}) or ["someone"]
        parts.append(f"{record} (changed by {', '.join(who)})")
    return f"Nothing was changed: since the page was shown, {'; '.join(parts)}. Look again first."


class VersionedEdits(ModelView):
    """Edit forms carry the version they were opened at; a stale save is refused."""

    # The fields whose changes move the version; None: every change does (the ORM's counter).
    versioned_fields: tuple[str, ...] | None = None

    def get_form(self) -> Any:
        form_class = super().get_form()
        form_class.seen_version = HiddenField()
        return form_class

    def edit_form(self, obj: Any = None) -> Any:
        form = super().edit_form(obj)
        field = getattr(form, SEEN, None)
        if field is not None and obj is not None and not field.data:
            field.data = str(obj.version)  # opening the form; a save posts it back
        return form

    def update_model(self, form: Any, model: Any) -> bool:
        field = getattr(form, SEEN, None)
        seen = parse_int(field.data) if field is not None else None
        if seen is not None and seen != model.version:
            flash(stale_message(model, seen, self.versioned_fields), "error")
            return False
        return bool(super().update_model(form, model))

    def handle_view_exception(self, exc: Exception) -> bool:
        if isinstance(exc, StaleDataError):
            flash(RACED, "error")
            return True
        return bool(super().handle_view_exception(exc))
