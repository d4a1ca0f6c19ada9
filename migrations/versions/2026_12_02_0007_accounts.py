"""Accounts: a session epoch and two-factor sign-in per operator, failed sign-ins per
account and address.

Revision ID: 0007_accounts
Revises: 0006_versions
Create Date: 2026-12-02 00:40:00
"""

import sqlalchemy as sa
from alembic import op

import admin_app.columns

revision = "0007_accounts"
down_revision = "0006_versions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("operators", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_epoch", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("totp_enabled_at", admin_app.columns.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("recovery_codes", sa.JSON(), nullable=True))
    op.create_table(
        "sign_in_failures",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", admin_app.columns.UTCDateTime(), nullable=False),
        sa.Column("locked_until", admin_app.columns.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sign_in_failures")),
    )


def downgrade() -> None:
    op.drop_table("sign_in_failures")
    with op.batch_alter_table("operators", schema=None) as batch_op:
        for column in ("recovery_codes", "totp_last_step", "totp_enabled_at", "totp_secret"):
            batch_op.drop_column(column)
        batch_op.drop_column("session_epoch")
