"""Open, live tasks newest first, with their due date: the overdue list's own index.

The task list sorts newest first. Filtered to overdue tasks, it walked
ix_tasks_created_at_live backwards and read every task from the table to test it: at 100,000
tasks the newest 20 overdue ones sat behind 12,599 done tasks and 25,178 open ones not yet due,
38,362 buffers and 12 ms per page. "Due before now" cannot be a partial index's predicate (now
moves), so this index holds open, live tasks by (created_at, id) and carries due_at: the walk
tests each entry in the index itself (0.6 ms, 156 buffers).

Revision ID: 0017_open_tasks_by_created
Revises: 0016_no_deleted_at_indexes
Create Date: 2026-12-02 12:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_open_tasks_by_created"
down_revision = "0016_no_deleted_at_indexes"
branch_labels = None
depends_on = None

OPEN_LIVE = sa.text("done_at IS NULL AND deleted_at IS NULL")


def upgrade():
    op.create_index(
        "ix_tasks_open_created",
        "tasks",
        ["created_at", "id", "due_at"],
        postgresql_where=OPEN_LIVE,
        sqlite_where=OPEN_LIVE,
    )


def downgrade():
    op.drop_index("ix_tasks_open_created", table_name="tasks")
