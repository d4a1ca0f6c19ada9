"""Tasks assigned to users, optionally about a post; overdue is computed, never stored."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    String,
    and_,
    case,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app.columns import UUID, UTCDateTime, days_since, sql_utc_now, utc_now
from admin_app.extensions import db
from admin_app.models.mixins import TimestampMixin, UUIDMixin, VersionMixin, list_indexes
from admin_app.models.naming import Named
from admin_app.models.posts import Post
from admin_app.models.users import User
from admin_app.soft_delete import SoftDeleteMixin

OPEN_LIVE = text("done_at IS NULL AND deleted_at IS NULL")


class Priority(enum.IntEnum):
    LOW = 1
    NORMAL = 2
    HIGH = 3
    URGENT = 4

    @property
    def label(self) -> str:
        return self.name.title()


class Task(Named, UUIDMixin, TimestampMixin, VersionMixin, SoftDeleteMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "tasks"
    __table_args__ = (
        CheckConstraint("priority BETWEEN 1 AND 4", name="priority_range"),
        *list_indexes("tasks", "title", "priority", "due_at", "done_at"),
        # Open, live tasks by due date: what "overdue" reads, however many tasks are done.
        Index(
            "ix_tasks_open_due",
            "due_at",
            "id",
            postgresql_where=OPEN_LIVE,
            sqlite_where=OPEN_LIVE,
        ),
        # The same rows newest first, due date included: an overdue list in its default order
        # walks this index alone, skipping open tasks not yet due without a visit to the table.
        Index(
            "ix_tasks_open_created",
            "created_at",
            "id",
            "due_at",
            postgresql_where=OPEN_LIVE,
            sqlite_where=OPEN_LIVE,
        ),
    )
    __searchable__ = ("title",)
    __label__ = "title"

    title: Mapped[str] = mapped_column(String(200))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    priority: Mapped[int] = mapped_column(Integer, default=Priority.NORMAL)
    assignee_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    post_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID, ForeignKey("posts.id", ondelete="SET NULL"), index=True
    )

    assignee: Mapped[User] = relationship(back_populates="tasks", lazy="joined")
    post: Mapped[Post | None] = relationship(lazy="joined")

    @hybrid_property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_at < utc_now()

    @is_overdue.inplace.expression
    @classmethod
    def _is_overdue_expression(cls) -> ColumnElement[bool]:
        return and_(cls.done_at.is_(None), cls.due_at < sql_utc_now())

    @hybrid_property
    def days_overdue(self) -> int:
        """Whole days past due for an open task; 0 when done or not yet due."""
        if not self.is_overdue:
            return 0
        return (utc_now() - self.due_at).days

    @days_overdue.inplace.expression
    @classmethod
    def _days_overdue_expression(cls) -> ColumnElement[int]:
        return case((cls.is_overdue, days_since(cls.due_at)), else_=0)
