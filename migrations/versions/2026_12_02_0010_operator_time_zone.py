"""Each operator's display time zone (times are stored in UTC whatever it is).

Revision ID: 0010_operator_time_zone
Revises: 0009_bulk_jobs
Create Date: 2026-12-02 01:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_operator_time_zone"
down_revision = "0009_bulk_jobs"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("operators") as batch:
        batch.add_column(
            sa.Column("time_zone", sa.String(length=64), server_default="UTC", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("operators") as batch:
        batch.drop_column("time_zone")
