"""Data migration: give every post and tag without a slug one, unique among live rows.

Kept apart from the schema revisions (migrations/data/). Rows written by the app already get
a slug at insert; this repairs rows loaded by bulk tools that skipped the ORM.

Revision ID: 0003_backfill_slugs
Revises: 0002_full_text_search
Create Date: 2026-11-22 02:12:00
"""

import sqlalchemy as sa
from alembic import op

from admin_app.models.events import slugify

revision = "0003_backfill_slugs"
down_revision = "0002_full_text_search"
branch_labels = None
depends_on = None

SOURCES = {"posts": "title", "tags": "name"}


def _backfill(connection, table_name, source):
    table = sa.table(
        table_name, sa.column("id"), sa.column("slug"), sa.column(source), sa.column("deleted_at")
    )
    live = table.c.deleted_at.is_(None)
    taken = {slug for (slug,) in connection.execute(sa.select(table.c.slug).where(live))}
    missing = connection.execute(
        sa.select(table.c.id, table.c[source]).where(
            sa.or_(table.c.slug.is_(None), table.c.slug == "")
        )
    ).all()
    for row_id, text in missing:
        base = slugify(text or "", fallback=table_name.rstrip("s"))
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        connection.execute(sa.update(table).where(table.c.id == row_id).values(slug=slug))


def upgrade():
    connection = op.get_bind()
    for table_name, source in SOURCES.items():
        _backfill(connection, table_name, source)


def downgrade():
    # Slugs are part of each row's public address: leave them in place.
    pass
