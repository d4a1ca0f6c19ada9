"""Stored counts and reading time: what each must equal, and drift found and repaired in SQL.

Database triggers keep the stored values (migration 0005_big_tables); this module is the
definition they are checked against, and the repair for a database loaded around them.
Counts are computed per parent in one grouped pass, so a check over a million rows is a
hash join, not a million correlated counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, exists, func, select, update

from admin_app.models.posts import WORDS_PER_MINUTE, Comment, Post, Tag, post_tags
from admin_app.models.query import AnySession
from admin_app.models.users import User

Posts, Comments = Post.__table__, Comment.__table__


@dataclass(frozen=True)
class StoredValue:
    """One stored column; ``children`` (key, n) counts it per parent, ``row`` computes it
    from the row itself."""

    name: str
    model: Any
    attribute: str
    children: Callable[[], Any] | None = None
    row: Callable[[], ColumnElement[int]] | None = None

    @property
    def column(self) -> Any:
        return self.model.__table__.c[self.name.split(".")[1]]


def _live_children(key: Any, *where: Any, join: Any = None) -> Any:
    stmt = select(key.label("key"), func.count().label("n"))
    stmt = stmt.select_from(join) if join is not None else stmt
    return stmt.where(key.is_not(None), *where).group_by(key).subquery()


def _words_to_minutes() -> ColumnElement[int]:
    body = func.coalesce(Posts.c.body, "")
    spaces = func.length(body) - func.length(func.replace(body, " ", ""))
    words = case((func.length(body) == 0, 0), else_=spaces + 1)
    # // is integer division on both engines; / would be a decimal in SQLAlchemy 2.
    return (words + (WORDS_PER_MINUTE - 1)) // WORDS_PER_MINUTE


# Counts are of live children, whether or not the parent itself is in the trash.
STORED_VALUES = (
    StoredValue(
        "users.post_count",
        User,
        "stored_post_count",
        lambda: _live_children(Posts.c.author_id, Posts.c.deleted_at.is_(None)),
    ),
    StoredValue(
        "tags.post_count",
        Tag,
        "stored_post_count",
        lambda: _live_children(
            post_tags.c.tag_id,
            Posts.c.deleted_at.is_(None),
            join=post_tags.join(Posts, Posts.c.id == post_tags.c.post_id),
        ),
    ),
    StoredValue(
        "posts.comment_count",
        Post,
        "stored_comment_count",
        lambda: _live_children(Comments.c.post_id, Comments.c.deleted_at.is_(None)),
    ),
    StoredValue("posts.reading_minutes", Post, "stored_reading_minutes", row=_words_to_minutes),
    StoredValue(
        "comments.reply_count",
        Comment,
        "stored_reply_count",
        lambda: _live_children(Comments.c.parent_id, Comments.c.deleted_at.is_(None)),
    ),
)


def drift(session: AnySession) -> dict[str, int]:
    """How many rows hold a wrong stored value, per stored column, trashed rows included."""
    # Core execution: neither soft-delete scoping nor the audit trail applies to a check.
    connection = session.connection()
    found = {}
    for value in STORED_VALUES:
        table = value.model.__table__
        wrong = select(func.count()).select_from(table)
        if value.row is not None:
            wrong = wrong.where(value.column != value.row())
        else:
            counted = value.children()  # type: ignore[misc]
            wrong = wrong.select_from(table.outerjoin(counted, counted.c.key == table.c.id))
            wrong = wrong.where(value.column != func.coalesce(counted.c.n, 0))
        found[value.name] = int(connection.execute(wrong).scalar_one())
    return found


def repair(session: AnySession) -> dict[str, int]:
    """Set every wrong stored value to what it must be; return the rows fixed per column.

    Flushes nothing and never commits: the caller commits, in one transaction with its load.
    """
    connection = session.connection()
    fixed = {}
    for value in STORED_VALUES:
        table, column = value.model.__table__, value.column
        if value.row is not None:
            stmt = update(table).values({column.name: value.row()}).where(column != value.row())
            fixed[value.name] = int(connection.execute(stmt).rowcount)
            continue
        counted = value.children()  # type: ignore[misc]
        with_children = (
            update(table)
            .values({column.name: counted.c.n})
            .where(counted.c.key == table.c.id, column != counted.c.n)
        )
        without = (
            update(table)
            .where(column != 0, ~exists().where(counted.c.key == table.c.id))
            .values({column.name: 0})
        )
        fixed[value.name] = int(connection.execute(with_children).rowcount) + int(
            connection.execute(without).rowcount
        )
    return fixed
