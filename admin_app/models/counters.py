"""Stored counts and reading time: what each must equal, and drift found and repaired in SQL.

Database triggers keep the stored values (migration 0005_big_tables); this module is the
definition they are checked against, and the repair for a database loaded around them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, func, select, update

from admin_app.extensions import db
from admin_app.models.mixins import count_live
from admin_app.models.posts import WORDS_PER_MINUTE, Comment, Post, Tag, post_tags
from admin_app.models.query import AnySession
from admin_app.models.users import User


@dataclass(frozen=True)
class StoredValue:
    """One stored column and the SQL that computes what it must hold, for any row."""

    name: str
    model: Any
    attribute: str
    truth: Callable[[], ColumnElement[int]]

    @property
    def column(self) -> Any:
        return getattr(self.model, self.attribute).expression


def _words_to_minutes() -> ColumnElement[int]:
    body = func.coalesce(Post.body, "")
    spaces = func.length(body) - func.length(func.replace(body, " ", ""))
    words = case((func.length(body) == 0, 0), else_=spaces + 1)
    # // is integer division on both engines; / would be a decimal in SQLAlchemy 2.
    return (words + (WORDS_PER_MINUTE - 1)) // WORDS_PER_MINUTE


def _tag_posts() -> ColumnElement[int]:
    linked = select(post_tags.c.post_id).where(post_tags.c.tag_id == Tag.id)
    return count_live(Post, Post.id.in_(linked.correlate_except(post_tags)))


def _replies() -> ColumnElement[int]:
    reply = db.aliased(Comment)
    return count_live(reply, reply.parent_id == Comment.id)


# Counts are of live children, whether or not the parent itself is in the trash.
STORED_VALUES = (
    StoredValue(
        "users.post_count",
        User,
        "stored_post_count",
        lambda: count_live(Post, Post.author_id == User.id),
    ),
    StoredValue("tags.post_count", Tag, "stored_post_count", _tag_posts),
    StoredValue(
        "posts.comment_count",
        Post,
        "stored_comment_count",
        lambda: count_live(Comment, Comment.post_id == Post.id),
    ),
    StoredValue("posts.reading_minutes", Post, "stored_reading_minutes", _words_to_minutes),
    StoredValue("comments.reply_count", Comment, "stored_reply_count", _replies),
)


def drift(session: AnySession) -> dict[str, int]:
    """How many rows hold a wrong stored value, per stored column, trashed rows included."""
    found = {}
    for value in STORED_VALUES:
        wrong = select(func.count()).select_from(value.model.__table__)
        wrong = wrong.where(value.column != value.truth())
        # Core execution: neither soft-delete scoping nor the audit trail applies to a check.
        found[value.name] = int(session.connection().execute(wrong).scalar_one())
    return found


def repair(session: AnySession) -> dict[str, int]:
    """Set every wrong stored value to what it must be; return the rows fixed per column.

    Flushes nothing and never commits: the caller commits, in one transaction with its load.
    """
    fixed = {}
    for value in STORED_VALUES:
        table = value.model.__table__
        stmt = (
            update(table)
            .values({value.column.name: value.truth()})
            .where(value.column != value.truth())
        )
        fixed[value.name] = int(session.connection().execute(stmt).rowcount)
    return fixed
