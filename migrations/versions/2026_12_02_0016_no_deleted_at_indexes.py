"""Lists' indexes: no deleted_at index to hide the sort index; the audit and trash orders.

SQLite's statistics keep one figure per index, the average rows per value. Trash a tenth of
100,000 posts and ix_posts_deleted_at holds 10,001 values, so ``deleted_at IS NULL`` looks
like ten rows: every live list then read its 90,000 rows through that index and sorted them
(a posts page took 1.8 s, the comments list 0.3 s), never walking ix_<table>_created_at_live.
Live rows are nearly all rows, so no query is narrowed by that index on either engine; the
trash's queries (``IS NOT NULL``, ranges of deleted_at) read ix_<table>_trashed, the partial
(deleted_at, id) index every soft-deletable table has since 0005_big_tables.

The audit list reads ``ORDER BY occurred_at DESC, id DESC``; an index on occurred_at alone
left SQLite sorting each run of equal times ("TEMP B-TREE FOR RIGHT PART OF ORDER BY"), and
reading each counted entry's record for the id. ix_audit_entries_occurred_at now holds both.

The recycle bin counts distinct delete batches among trashed rows, and ix_<table>_trashed
did not hold the batch: SQLite read all 20,000 trashed rows of the bench data per view
(80 ms of a 140 ms page). The index now ends with delete_batch, so the index answers.

Revision ID: 0016_no_deleted_at_indexes
Revises: 0015_trash_followups
Create Date: 2026-12-02 07:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_no_deleted_at_indexes"
down_revision = "0015_trash_followups"
branch_labels = None
depends_on = None

SOFT_DELETABLE = ("users", "profiles", "tags", "posts", "comments", "tasks")


AUDIT_ORDER = "ix_audit_entries_occurred_at"
TRASHED_ONLY = sa.text("deleted_at IS NOT NULL")


def _trashed_index(table, columns):
    op.drop_index(f"ix_{table}_trashed", table_name=table)
    op.create_index(
        f"ix_{table}_trashed",
        table,
        columns,
        postgresql_where=TRASHED_ONLY,
        sqlite_where=TRASHED_ONLY,
    )


def upgrade():
    for table in SOFT_DELETABLE:
        op.drop_index(f"ix_{table}_deleted_at", table_name=table)
        _trashed_index(table, ["deleted_at", "id", "delete_batch"])
    op.drop_index(AUDIT_ORDER, table_name="audit_entries")
    op.create_index(AUDIT_ORDER, "audit_entries", ["occurred_at", "id"])


def downgrade():
    op.drop_index(AUDIT_ORDER, table_name="audit_entries")
    op.create_index(AUDIT_ORDER, "audit_entries", ["occurred_at"])
    for table in SOFT_DELETABLE:
        _trashed_index(table, ["deleted_at", "id"])
        op.create_index(f"ix_{table}_deleted_at", table, ["deleted_at"])
