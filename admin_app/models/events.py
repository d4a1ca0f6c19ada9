"""Mapper listeners: slugs at insert, count-cache invalidation, association clean-up on purge."""

from __future__ import annotations

from typing import Any

from slugify import slugify as python_slugify
from sqlalchemy import Connection, delete, event, or_, select
from sqlalchemy.orm import Mapper, Session, object_session

from admin_app.models import counts
from admin_app.models.posts import Post, Tag, post_tags
from admin_app.soft_delete import SoftDeleteMixin

SLUGGED = (Post, Tag)
_TAKEN_KEY = "slugs_taken_this_flush"


def slugify(value: str, *, fallback: str = "item", max_length: int = 200) -> str:
    """Lower-case ASCII words joined by '-', any script transliterated ("Ünïcode Tag" ->
    "unicode-tag", "Straße" -> "strasse"); ``fallback`` when nothing is left."""
    return python_slugify(value, max_length=max_length, word_boundary=True) or fallback


def unique_slug(connection: Connection, model: Any, base: str, taken: set[str]) -> str:
    """``base``, else ``base-2``, ``base-3``…: the first not used by a live row or this flush."""
    table = model.__table__
    rows = connection.execute(
        select(table.c.slug).where(
            table.c.deleted_at.is_(None),
            or_(
                table.c.slug == base,
                table.c.slug.like(base.replace("%", r"\%") + "-%", escape="\\"),
            ),
        )
    )
    used = {slug for (slug,) in rows} | taken
    if base not in used:
        return base
    n = 2
    while f"{base}-{n}" in used:
        n += 1
    return f"{base}-{n}"


def _assign_slug(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
    if target.slug:
        return
    session = object_session(target)
    taken: set[str] = session.info.setdefault(_TAKEN_KEY, set()) if session else set()
    source = getattr(target, target.__slug_source__) or ""
    fallback = target.__tablename__.rstrip("s")
    target.slug = unique_slug(connection, type(target), slugify(source, fallback=fallback), taken)
    taken.add(target.slug)


def _forget_flush_slugs(session: Any, *args: Any) -> None:
    # Also before each flush: a flush that failed half-way must not keep its slugs reserved.
    session.info.pop(_TAKEN_KEY, None)


def _invalidate_counts(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
    counts.invalidate()


def _invalidate_after_commit(session: Any) -> None:
    counts.invalidate()


ASSOCIATION_KEYS = {"posts": post_tags.c.post_id, "tags": post_tags.c.tag_id}


def delete_associations(connection: Connection, table: str, ids: list[Any]) -> None:
    """Remove the post-tag links of purged posts or tags.

    Collections are soft-delete scoped, so the ORM only unlinks live partners; links to
    trashed ones must go too, even where the database does not enforce foreign keys.
    """
    key = ASSOCIATION_KEYS.get(table)
    if key is not None and ids:
        connection.execute(delete(post_tags).where(key.in_(ids)))


def _delete_post_associations(mapper: Mapper[Any], connection: Connection, target: Post) -> None:
    delete_associations(connection, "posts", [target.id])


def _delete_tag_associations(mapper: Mapper[Any], connection: Connection, target: Tag) -> None:
    delete_associations(connection, "tags", [target.id])


def register() -> None:
    """Attach the listeners once; safe to call again."""
    for model in SLUGGED:
        if not event.contains(model, "before_insert", _assign_slug):
            event.listen(model, "before_insert", _assign_slug)
    for name in ("before_flush", "after_flush"):
        if not event.contains(Session, name, _forget_flush_slugs):
            event.listen(Session, name, _forget_flush_slugs)
    # A dashboard that counted between flush and commit would cache the old figures.
    if not event.contains(Session, "after_commit", _invalidate_after_commit):
        event.listen(Session, "after_commit", _invalidate_after_commit)
    for name in ("after_insert", "after_update", "after_delete"):
        if not event.contains(SoftDeleteMixin, name, _invalidate_counts):
            event.listen(SoftDeleteMixin, name, _invalidate_counts, propagate=True)
    if not event.contains(Post, "after_delete", _delete_post_associations):
        event.listen(Post, "after_delete", _delete_post_associations)
        event.listen(Tag, "after_delete", _delete_tag_associations)
