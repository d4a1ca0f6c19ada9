"""Posts, their tags (many-to-many) and threaded comments (self-referential)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    Column,
    ColumnElement,
    ForeignKey,
    String,
    Table,
    Text,
    and_,
    case,
    func,
    select,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app.columns import UUID, UTCDateTime, sql_utc_now, utc_now
from admin_app.extensions import db
from admin_app.models.mixins import (
    TimestampMixin,
    UUIDMixin,
    VersionMixin,
    count_live,
    live_unique_index,
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
)


class Post(Named, UUIDMixin, TimestampMixin, VersionMixin, SoftDeleteMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "posts"
    __table_args__ = (live_unique_index("posts", "slug"),)
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

    author: Mapped[User] = relationship(back_populates="posts", lazy="joined")
    tags: Mapped[list[Tag]] = relationship(
        secondary=post_tags, back_populates="posts", lazy="selectin"
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
        return count_live(Comment, Comment.post_id == cls.id)

    @hybrid_property
    def reading_minutes(self) -> int:
        """Minutes to read at 200 words a minute, rounded up; words are space-separated."""
        words = self.body.count(" ") + 1 if self.body else 0
        return (words + WORDS_PER_MINUTE - 1) // WORDS_PER_MINUTE

    @reading_minutes.inplace.expression
    @classmethod
    def _reading_minutes_expression(cls) -> ColumnElement[int]:
        body = func.coalesce(cls.body, "")
        spaces = func.length(body) - func.length(func.replace(body, " ", ""))
        words = case((func.length(body) == 0, 0), else_=spaces + 1)
        # // is integer division on both engines; / would be a decimal in SQLAlchemy 2.
        return (words + (WORDS_PER_MINUTE - 1)) // WORDS_PER_MINUTE


class Tag(Named, UUIDMixin, TimestampMixin, VersionMixin, SoftDeleteMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "tags"
    __table_args__ = (live_unique_index("tags", "name"), live_unique_index("tags", "slug"))
    __slug_source__ = "name"
    __label__ = "name"

    name: Mapped[str] = mapped_column(String(50))
    slug: Mapped[str] = mapped_column(String(60))

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
        linked = (
            select(post_tags.c.post_id)
            .where(post_tags.c.tag_id == cls.id)
            .correlate_except(post_tags)
        )
        return count_live(Post, Post.id.in_(linked))


class Comment(Named, UUIDMixin, TimestampMixin, VersionMixin, SoftDeleteMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "comments"
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
        reply = db.aliased(Comment)
        return count_live(reply, reply.parent_id == cls.id)
