"""Versions: a ``version`` counter on every domain table, for optimistic concurrency.

Existing rows start at 1. A plain ADD COLUMN on both engines (SQLite adds a NOT NULL column
with a constant default in place, so no table is rebuilt and the FTS triggers stay).

Revision ID: 0006_versions
Revises: 0005_big_tables
Create Date: 2026-12-02 01:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_versions"
down_revision = "0005_big_tables"
branch_labels = None
depends_on = None

TABLES = ("users", "profiles", "posts", "tags", "comments", "tasks")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(
            table, sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False)
        )


def downgrade() -> None:
    # Native DROP COLUMN (SQLite 3.35+), not a batch rebuild that would lose the FTS triggers.
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} DROP COLUMN version")
