"""The audit trail: one append-only row per recorded change, readable after the record is gone."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from admin_app.columns import UUID, UTCDateTime, utc_now, uuid7
from admin_app.extensions import db


class Action(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    SOFT_DELETE = "soft_delete"
    RESTORE = "restore"
    PURGE = "purge"
    REVERT = "revert"
    BULK_UPDATE = "bulk_update"
    BULK_DELETE = "bulk_delete"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    EXPORT = "export"
    PRUNE = "prune"


_ACTIONS_SQL = ", ".join(f"'{a.value}'" for a in Action)


class AuditEntry(db.Model):  # type: ignore[name-defined,misc]
    """Who did what to which record, when, from what to what; never updated or deleted."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        CheckConstraint(f"action IN ({_ACTIONS_SQL})", name="action_known"),
        Index("ix_audit_entries_entity", "entity_type", "entity_id"),
        # The audit list's order, newest first with the id breaking ties (migration 0016).
        Index("ix_audit_entries_occurred_at", "occurred_at", "id"),
    )

    # No foreign keys on purpose: an entry must outlive its record and its actor unchanged.
    id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True, default=uuid7)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(UUID)
    actor_name: Mapped[str] = mapped_column(String(120), index=True)
    # No index: a handful of values, and lists page by occurred_at, which is indexed.
    action: Mapped[str] = mapped_column(String(20))
    entity_type: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    entity_repr: Mapped[str] = mapped_column(String(255), default="")
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    transaction_id: Mapped[uuid.UUID] = mapped_column(UUID, index=True)
    request_id: Mapped[str | None] = mapped_column(String(64))
    remote_addr: Mapped[str | None] = mapped_column(String(45))
    # The label of the API token the actor used; None for the console and the CLI.
    token_label: Mapped[str | None] = mapped_column(String(80))

    def __str__(self) -> str:
        return f"{self.action} {self.entity_type} {self.entity_repr}"
