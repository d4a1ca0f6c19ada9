"""Records moved to the trash per UTC day and model, kept from the audit trail on write.

A trigger on audit_entries counts each entry whose diff moves ``deleted_at`` from null to a
time, whatever wrote it (a delete, a bulk trash job, the API, the CLI, an undo's revert), so
the dashboard's "deleted per day" reads a few rows and a later restore or purge erases nothing.

Revision ID: 0015_trash_followups
Revises: 0013_api_tokens
Create Date: 2026-12-02 04:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_trash_followups"
down_revision = "0013_api_tokens"
branch_labels = None
depends_on = None

PG_DAY = "to_char((NEW.occurred_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
SQLITE_DAY = "substr(NEW.occurred_at, 1, 10)"
# An entry that moved a record into the trash: deleted_at went from null to a time.
PG_MOVED = (
    "{row}.action <> 'create' AND json_typeof({row}.changes -> 'deleted_at') = 'array' "
    "AND ({row}.changes -> 'deleted_at' ->> 0) IS NULL "
    "AND ({row}.changes -> 'deleted_at' ->> 1) IS NOT NULL"
)
SQLITE_MOVED = (
    "{row}.action <> 'create' AND json_type({row}.changes, '$.deleted_at') = 'array' "
    "AND json_type({row}.changes, '$.deleted_at[0]') = 'null' "
    "AND json_type({row}.changes, '$.deleted_at[1]') <> 'null'"
)
PG_FUNCTION = f"""
CREATE FUNCTION daily_trashed_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO daily_trashed (day, entity_type, trashed)
    VALUES ({PG_DAY}, NEW.entity_type, 1)
    ON CONFLICT (day, entity_type) DO UPDATE SET trashed = daily_trashed.trashed + 1;
    RETURN NULL;
END;
$$"""
PG_TRIGGER = (
    "CREATE TRIGGER daily_trashed_audit AFTER INSERT ON audit_entries FOR EACH ROW "
    f"WHEN ({PG_MOVED.format(row='NEW')}) EXECUTE FUNCTION daily_trashed_count()"
)
SQLITE_TRIGGER = (
    "CREATE TRIGGER daily_trashed_audit AFTER INSERT ON audit_entries "
    f"WHEN {SQLITE_MOVED.format(row='NEW')} BEGIN "
    "INSERT INTO daily_trashed (day, entity_type, trashed) "
    f"SELECT {SQLITE_DAY}, NEW.entity_type, 1 WHERE true "
    "ON CONFLICT (day, entity_type) DO UPDATE SET trashed = trashed + 1; END"
)


def upgrade():
    is_pg = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "daily_trashed",
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("entity_type", sa.String(length=50), nullable=False),
        sa.Column("trashed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "entity_type", name=op.f("pk_daily_trashed")),
    )
    day = (PG_DAY if is_pg else SQLITE_DAY).replace("NEW.", "")
    moved = (PG_MOVED if is_pg else SQLITE_MOVED).format(row="audit_entries")
    # The trail as it stands: one pass now, then the trigger keeps the counts.
    op.execute(
        "INSERT INTO daily_trashed (day, entity_type, trashed) "
        f"SELECT {day}, entity_type, count(*) FROM audit_entries WHERE {moved} "
        f"GROUP BY {day}, entity_type"
    )
    if is_pg:
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)
    else:
        op.execute(SQLITE_TRIGGER)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS daily_trashed_audit ON audit_entries")
        op.execute("DROP FUNCTION IF EXISTS daily_trashed_count()")
    else:
        op.execute("DROP TRIGGER IF EXISTS daily_trashed_audit")
    op.drop_table("daily_trashed")
