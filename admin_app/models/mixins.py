"""Mixins every domain model is built from: ids and timestamps (soft delete: ``soft_delete``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Index, Integer, func, select, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from admin_app.columns import UUID, UTCDateTime, utc_now, uuid7

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


class VersionMixin:
    """A counter the ORM moves on every UPDATE and checks in its WHERE clause.

    An UPDATE of a row someone else changed since it was read matches nothing and raises
    ``StaleDataError``: a lost update becomes a refused one.
    """

    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("1"))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 - declared_attr passes the class
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


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
