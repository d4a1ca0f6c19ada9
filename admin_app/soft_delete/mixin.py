"""The columns that make a model soft-deletable."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, ForeignKey
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from admin_app.columns import UUID, UTCDateTime


class SoftDeleteMixin:
    """Rows go to the trash: ``deleted_at`` set means trashed; ``delete_batch`` groups a cascade."""

    # No index of its own: live rows are nearly all rows, and on SQLite one would hide every
    # list's sort index (migration 0016). The trash reads ix_<table>_trashed (list_indexes).
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
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


def is_soft_deletable(obj_or_class: Any) -> bool:
    cls = obj_or_class if isinstance(obj_or_class, type) else type(obj_or_class)
    return issubclass(cls, SoftDeleteMixin)
