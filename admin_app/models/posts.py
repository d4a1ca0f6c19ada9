"""Posts, their tags (many-to-many) and threaded comments (self-referential)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    Column,
    ColumnElement,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    and_,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app.columns import UUID, UTCDateTime, sql_utc_now, utc_now
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
from admin_app.models.users import User
from admin_app.soft_delete import SoftDeleteMixin

WORDS_PER_MINUTE = 200

post_tags = Table(
    "post_tags",
    db.metadata,
    Column("post_id", UUID, ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", UUID, ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    # A tag's counter and its purge find the tag's links without reading every link.
    Index("ix_post_tags_tag_id", "tag_id"),
)


class Post(Named, UUIDMixin, TimestampMixin, VersionMixin, SoftDeleteMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "posts"
    __table_args__ = (
        live_unique_index("posts", "slug"),
        *list_indexes("posts", "title", "published_at", "comment_count", "reading_minutes"),
    )
    __searchable__ = ("title", "body")
    __owned__ = ("comments",)
    __slug_source__ = "title"
    __label__ = "title"

    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(220))
    body: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    author_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # Kept by triggers: the hybrids' SQL reads these, so sorting never computes per row.
    stored_comment_count: Mapped[int] = stored_counter("comment_count")
    stored_reading_minutes: Mapped[int] = stored_counter("reading_minutes")

    author: Mapped[User] = relationship(back_populates="posts", lazy="joined")
    # By name, so the list, the details page and the export name a post's tags alike.
    tags: Mapped[list[Tag]] = relationship(
        secondary=post_tags, back_populates="posts", lazy="selectin", order_by="Tag.name"
    )
    comments: Mapped[list[Comment]] = relationship(
        back_populates="post", lazy="select", passive_deletes=True
    )

    @hybrid_property
    def is_published(self) -> bool:
        return self.published_at is not None and self.published_at <= utc_now()

    @is_published.inplace.expression
    @classmethod
    def _is_published_expression(cls) -> ColumnElement[bool]:
        return and_(cls.published_at.is_not(None), cls.published_at <= sql_utc_now())

    @hybrid_property
    def comment_count(self) -> int:
        return len(self.comments)

    @comment_count.inplace.expression
    @classmethod
    def _comment_count_expression(cls) -> ColumnElement[int]:
        return cls.stored_comment_count.expression

    @hybrid_property
    def reading_minutes(self) -> int:
        """Minutes to read at 200 words a minute, rounded up; words are space-separated."""
        words = self.body.count(" ") + 1 if self.body else 0
        return (words + WORDS_PER_MINUTE - 1) // WORDS_PER_MINUTE

    @reading_minutes.inplace.expression
    @classmethod
    def _reading_minutes_expression(cls) -> ColumnElement[int]:
        return cls.stored_reading_minutes.expression


class Tag(Named, UUIDMixin, TimestampMixin, VersionMixin, SoftDeleteMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "tags"
    __table_args__ = (
        live_unique_index("tags", "name"),
        live_unique_index("tags", "slug"),
        *list_indexes("tags", "post_count"),
    )
    __slug_source__ = "name"
    __label__ = "name"

    name: Mapped[str] = mapped_column(String(50))
    slug: Mapped[str] = mapped_column(String(60))
    stored_post_count: Mapped[int] = stored_counter("post_count")  # live posts linked

    # A tag may carry a million posts: load them only when asked.
    posts: Mapped[list[Post]] = relationship(
        secondary=post_tags, back_populates="tags", lazy="select"
    )

    @hybrid_property
    def post_count(self) -> int:
        return len(self.posts)

    @post_count.inplace.expression
    @classmethod
    def _post_count_expression(cls) -> ColumnElement[int]:
        return cls.stored_post_count.expression


class Comment(Named, UUIDMixin, TimestampMixin, VersionMixin, SoftDeleteMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "comments"
    __table_args__ = list_indexes("comments", "reply_count")
    __searchable__ = ("body",)
    __owned__ = ("replies",)
    __label__ = "body"
    __label_length__ = 60

    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    post_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("posts.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID, ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    stored_reply_count: Mapped[int] = stored_counter("reply_count")

    author: Mapped[User] = relationship(back_populates="comments", lazy="joined")
    post: Mapped[Post] = relationship(back_populates="comments", lazy="joined")
    parent: Mapped[Comment | None] = relationship(
        back_populates="replies", remote_side="Comment.id", lazy="joined", join_depth=1
    )
    replies: Mapped[list[Comment]] = relationship(
        back_populates="parent", lazy="select", passive_deletes=True
    )

    @hybrid_property
    def reply_count(self) -> int:
        return len(self.replies)

    @reply_count.inplace.expression
    @classmethod
    def _reply_count_expression(cls) -> ColumnElement[int]:
        return cls.stored_reply_count.expression
