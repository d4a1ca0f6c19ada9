"""Audit trail: the append-only audit_entries table, guarded by triggers on both engines.

UPDATE is always refused. DELETE is refused unless retention opened the guard for its own
transaction: ``SET LOCAL admin_app.audit_prune = 'on'`` on PostgreSQL, the one-row
``audit_gate`` table on SQLite (see admin_app.audit.prune.pruning). The triggers and the gate
are written by hand; env.py keeps autogenerate away from them.

Revision ID: 0004_audit_trail
Revises: 0003_backfill_slugs
Create Date: 2026-11-22 02:30:55.743278
"""

import sqlalchemy as sa
import sqlalchemy_utils
from alembic import op

import admin_app.columns

revision = "0004_audit_trail"
down_revision = "0003_backfill_slugs"
branch_labels = None
depends_on = None


PG_FUNCTION = """
CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('admin_app.audit_prune', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_entries is append-only: % refused', TG_OP;
END;
$$
"""
PG_TRIGGER = """
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()
"""
SQLITE_NO_UPDATE = """
CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only: UPDATE refused'); END
"""
SQLITE_NO_DELETE = """
CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
WHEN (SELECT prune_allowed FROM audit_gate) = 0
BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only: DELETE refused'); END
"""


def upgrade():
    op.create_table(
        "audit_entries",
        sa.Column("id", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=False),
        sa.Column("occurred_at", admin_app.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=True),
        sa.Column("actor_name", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("entity_type", sa.String(length=50), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=True),
        sa.Column("entity_repr", sa.String(length=255), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column(
            "transaction_id", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=False
        ),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("remote_addr", sa.String(length=45), nullable=True),
        sa.CheckConstraint(
            "action IN ('create', 'update', 'soft_delete', 'restore', 'purge', 'revert', 'bulk_update', 'bulk_delete', 'login', 'login_failed', 'logout', 'export', 'prune')",
            name=op.f("ck_audit_entries_action_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_entries_actor_name"), ["actor_name"], unique=False
        )
        batch_op.create_index("ix_audit_entries_entity", ["entity_type", "entity_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_entries_occurred_at"), ["occurred_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_audit_entries_transaction_id"), ["transaction_id"], unique=False
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)
    else:
        op.execute("CREATE TABLE audit_gate (prune_allowed INTEGER NOT NULL)")
        op.execute("INSERT INTO audit_gate (prune_allowed) VALUES (0)")
        op.execute(SQLITE_NO_UPDATE)
        op.execute(SQLITE_NO_DELETE)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries")
        op.execute("DROP FUNCTION IF EXISTS audit_entries_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_delete")
        op.execute("DROP TABLE IF EXISTS audit_gate")
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entries_transaction_id"))
        batch_op.drop_index(batch_op.f("ix_audit_entries_occurred_at"))
        batch_op.drop_index("ix_audit_entries_entity")
        batch_op.drop_index(batch_op.f("ix_audit_entries_actor_name"))

    op.drop_table("audit_entries")
