"""Bulk jobs: one action over every row a list's filter matches, done in chunks.

The job's progress lives in the database, so any app process can take the next chunk and
every operator sees the same figures; each chunk commits with its audit entries.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from admin_app.columns import UUID, UTCDateTime
from admin_app.extensions import db
from admin_app.models.mixins import TimestampMixin, UUIDMixin


class BulkJob(UUIDMixin, TimestampMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "bulk_jobs"
    __table_args__ = (
        CheckConstraint("action IN ('trash', 'restore', 'purge')", name="action_known"),
        CheckConstraint("status IN ('running', 'done', 'failed')", name="status_known"),
    )

    operator_id: Mapped[uuid.UUID | None] = mapped_column(UUID)
    action: Mapped[str] = mapped_column(String(20))
    entity_type: Mapped[str] = mapped_column(String(50))
    # The list's query string (search and filters): each chunk re-applies it.
    criteria: Mapped[str] = mapped_column(Text, default="")
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    last_id: Mapped[uuid.UUID | None] = mapped_column(UUID)  # keyset: chunks go by id
    batch_id: Mapped[uuid.UUID | None] = mapped_column(UUID)  # the one delete batch of a trash
    status: Mapped[str] = mapped_column(String(20), default="running")
    error: Mapped[str | None] = mapped_column(String(255))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, round(100 * self.done / self.total))
