"""Mixins every domain model is built from: ids and timestamps (soft delete: ``soft_delete``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Index, Integer, func, select, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from admin_app.columns import UUID, UTCDateTime, utc_now, uuid7

LIVE_ONLY = text("deleted_at IS NULL")
TRASHED_ONLY = text("deleted_at IS NOT NULL")


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


def stored_counter(name: str) -> Mapped[int]:
    """A count kept by database triggers (migration 0005_big_tables) in the same transaction
    as every write, whatever path it takes: ORM, bulk statements, cascades, raw SQL."""
    return mapped_column(name, Integer, nullable=False, server_default=text("0"))


def list_indexes(table: str, *sorted_by: str) -> tuple[Index, ...]:
    """Indexes a list walks instead of sorting the table: the default order and each offered
    sort over live rows, ``id`` as the tie-breaker, and newest-deleted first for the trash
    (with each row's batch, for the recycle bin)."""
    live = [
        Index(
            f"ix_{table}_{column}_live",
            column,
            "id",
            postgresql_where=LIVE_ONLY,
            sqlite_where=LIVE_ONLY,
        )
        for column in ("created_at", *sorted_by)
    ]
    # delete_batch rides along so the recycle bin reads its batches from the index alone
    # (migration 0016): counting them read every trashed row on SQLite.
    trashed = Index(
        f"ix_{table}_trashed",
        "deleted_at",
        "id",
        "delete_batch",
        postgresql_where=TRASHED_ONLY,
        sqlite_where=TRASHED_ONLY,
    )
    return (*live, trashed)
