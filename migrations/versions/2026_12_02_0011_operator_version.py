"""Operators get a version counter, so an admin's stale form cannot overwrite a newer change.

Existing operators start at 1. A plain ADD COLUMN with a constant default on both engines.

Revision ID: 0011_operator_version
Revises: 0010_operator_time_zone
Create Date: 2026-12-02 03:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_operator_version"
down_revision = "0010_operator_time_zone"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "operators", sa.Column("version", sa.Integer(), server_default="1", nullable=False)
    )


def downgrade():
    # Native DROP COLUMN (SQLite 3.35+); nothing else hangs on the column.
    op.execute("ALTER TABLE operators DROP COLUMN version")
