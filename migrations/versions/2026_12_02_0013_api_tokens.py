"""API tokens per operator, their request windows (the rate limit), and the token's label
in the audit trail.

Revision ID: 0013_api_tokens
Revises: 0011_operator_version
Create Date: 2026-12-02 03:30:00
"""

import sqlalchemy as sa
import sqlalchemy_utils
from alembic import op

import admin_app.columns

revision = "0013_api_tokens"
down_revision = "0011_operator_version"
branch_labels = None
depends_on = None


def upgrade():
    uuid_type = sqlalchemy_utils.types.uuid.UUIDType(binary=False)
    when = admin_app.columns.UTCDateTime(timezone=True)
    op.create_table(
        "api_tokens",
        sa.Column("id", uuid_type, nullable=False),
        sa.Column("operator_id", uuid_type, nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=16), nullable=False),
        sa.Column("is_read_only", sa.Boolean(), nullable=False),
        sa.Column("expires_at", when, nullable=True),
        sa.Column("last_used_at", when, nullable=True),
        sa.Column("revoked_at", when, nullable=True),
        sa.Column("created_at", when, nullable=False),
        sa.Column("updated_at", when, nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operators.id"],
            name=op.f("fk_api_tokens_operator_id_operators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index(op.f("ix_api_tokens_operator_id"), "api_tokens", ["operator_id"])
    op.create_table(
        "api_request_windows",
        sa.Column("token_id", uuid_type, nullable=False),
        sa.Column("window_started_at", when, nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["api_tokens.id"],
            name=op.f("fk_api_request_windows_token_id_api_tokens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_id", name=op.f("pk_api_request_windows")),
    )
    # A plain ADD COLUMN, not a batch copy: recreating audit_entries on SQLite would drop
    # the triggers that keep it append-only.
    op.add_column("audit_entries", sa.Column("token_label", sa.String(length=80), nullable=True))


def downgrade():
    op.drop_column("audit_entries", "token_label")
    op.drop_table("api_request_windows")
    op.drop_index(op.f("ix_api_tokens_operator_id"), table_name="api_tokens")
    op.drop_table("api_tokens")
