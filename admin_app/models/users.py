"""Users of the demo domain and their one-to-one profiles."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ColumnElement, ForeignKey, String, Text, func
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy_utils import EmailType

from admin_app.columns import UUID
from admin_app.extensions import db
from admin_app.models.mixins import (
    TimestampMixin,
    UUIDMixin,
    VersionMixin,
    list_indexes,
    live_unique_index,
    stored_counter,
)
from admin_app.models.naming import Named
from admin_app.soft_delete import SoftDeleteMixin

if TYPE_CHECKING:
    from admin_app.models.posts import Comment, Post
    from admin_app.models.tasks import Task


class User(Named, UUIDMixin, TimestampMixin, VersionMixin, SoftDeleteMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "users"
    __table_args__ = (
        live_unique_index("users", "username"),
        live_unique_index("users", "email"),
        *list_indexes("users", "is_active", "post_count"),
    )
    __searchable__ = ("username", "email", "first_name", "last_name")
    __owned__ = ("profile", "posts", "comments", "tasks")
    __label__ = "username"

    username: Mapped[str] = mapped_column(String(80))
    email: Mapped[str] = mapped_column(EmailType(255))
    first_name: Mapped[str] = mapped_column(String(80), default="")
    last_name: Mapped[str] = mapped_column(String(80), default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    stored_post_count: Mapped[int] = stored_counter("post_count")  # kept by triggers

    # A single object comes with its owner in one query; big collections load on demand.
    profile: Mapped[Profile | None] = relationship(
        back_populates="user", lazy="joined", uselist=False, passive_deletes=True
    )
    posts: Mapped[list[Post]] = relationship(
        back_populates="author", lazy="select", passive_deletes=True
    )
    comments: Mapped[list[Comment]] = relationship(
        back_populates="author", lazy="select", passive_deletes=True
    )
    tasks: Mapped[list[Task]] = relationship(
        back_populates="assignee", lazy="select", passive_deletes=True
    )

    @hybrid_property
    def full_name(self) -> str:
        return f"{self.first_name or ''} {self.last_name or ''}".strip()

    @full_name.inplace.expression
    @classmethod
    def _full_name_expression(cls) -> ColumnElement[str]:
        return func.trim(func.coalesce(cls.first_name, "") + " " + func.coalesce(cls.last_name, ""))

    @hybrid_property
    def post_count(self) -> int:
        return len(self.posts)

    @post_count.inplace.expression
    @classmethod
    def _post_count_expression(cls) -> ColumnElement[int]:
        return cls.stored_post_count.expression


class Profile(UUIDMixin, TimestampMixin, VersionMixin, SoftDeleteMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "profiles"
    __table_args__ = (
        live_unique_index("profiles", "user_id"),
        *list_indexes("profiles", "location"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(UUID, ForeignKey("users.id", ondelete="CASCADE"))
    bio: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(255))
    location: Mapped[str | None] = mapped_column(String(120))

    user: Mapped[User] = relationship(back_populates="profile", lazy="joined")

    def __str__(self) -> str:
        return f"Profile of {self.user}" if self.user else "Profile"
