"""Bulk jobs: an action over every row a list's filter matches, done in chunks.

Revision ID: 0009_bulk_jobs
Revises: 0008_search
Create Date: 2026-12-02 01:00:00
"""

import sqlalchemy as sa
import sqlalchemy_utils
from alembic import op

import admin_app.columns

revision = "0009_bulk_jobs"
down_revision = "0008_search"
branch_labels = None
depends_on = None


def upgrade():
    uuid_type = sqlalchemy_utils.types.uuid.UUIDType(binary=False)
    when = admin_app.columns.UTCDateTime(timezone=True)
    op.create_table(
        "bulk_jobs",
        sa.Column("id", uuid_type, nullable=False),
        sa.Column("operator_id", uuid_type, nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("entity_type", sa.String(length=50), nullable=False),
        sa.Column("criteria", sa.Text(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("last_id", uuid_type, nullable=True),
        sa.Column("batch_id", uuid_type, nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("error", sa.String(length=255), nullable=True),
        sa.Column("finished_at", when, nullable=True),
        sa.Column("created_at", when, nullable=False),
        sa.Column("updated_at", when, nullable=False),
        sa.CheckConstraint(
            "action IN ('trash', 'restore', 'purge')", name=op.f("ck_bulk_jobs_action_known")
        ),
        sa.CheckConstraint(
            "status IN ('running', 'done', 'failed')", name=op.f("ck_bulk_jobs_status_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulk_jobs")),
    )


def downgrade():
    op.drop_table("bulk_jobs")
