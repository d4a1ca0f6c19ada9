"""Mixins every domain model is built from: ids, timestamps and soft delete."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, ForeignKey, Index, func, select, text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy_utils import UUIDType

from admin_app.models.types import UTCDateTime, utc_now, uuid7

# Stored as native uuid on PostgreSQL and CHAR(32) on SQLite; accepts the string ids
# Flask-Admin passes around.
UUID = UUIDType(binary=False)
LIVE_ONLY = text("deleted_at IS NULL")


class UUIDMixin:
    """A UUIDv7 primary key, generated in Python when the row is first flushed; ids sort by age."""

    id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True, default=uuid7)


class TimestampMixin:
    """``created_at`` and ``updated_at`` in UTC, set at flush and moved on every update."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utc_now, onupdate=utc_now, nullable=False
    )


class SoftDeleteMixin:
    """Rows go to the trash: ``deleted_at`` set means trashed; ``delete_batch`` groups a cascade."""

    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    delete_batch: Mapped[uuid.UUID | None] = mapped_column(UUID, index=True)

    @declared_attr
    def deleted_by(cls) -> Mapped[uuid.UUID | None]:  # noqa: N805 - declared_attr gets the class
        return mapped_column(UUID, ForeignKey("operators.id", ondelete="SET NULL"))

    @hybrid_property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @is_deleted.inplace.expression
    @classmethod
    def _is_deleted_expression(cls) -> ColumnElement[bool]:
        return cls.deleted_at.is_not(None)


def count_live(child: Any, *criteria: ColumnElement[bool]) -> ColumnElement[int]:
    """A correlated ``COUNT`` of ``child`` rows matching ``criteria`` that are not trashed.

    Hybrid counts spell out ``deleted_at IS NULL`` themselves: they must stay right in Core
    statements and in queries that bypass the soft-delete listener.
    """
    return (
        select(func.count(child.id))
        .where(*criteria, child.deleted_at.is_(None))
        .correlate_except(child)
        .scalar_subquery()
    )


def live_unique_index(table: str, *columns: str) -> Index:
    """A unique index over live rows only, so a trashed row never blocks a new one."""
    return Index(
        f"uq_{table}_{'_'.join(columns)}_live",
        *columns,
        unique=True,
        postgresql_where=LIVE_ONLY,
        sqlite_where=LIVE_ONLY,
    )
