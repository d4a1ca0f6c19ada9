"""Full-text search: stored tsvector + GIN on PostgreSQL, FTS5 tables and triggers on SQLite.

Written by hand: autogenerate knows neither (env.py skips every name starting with fts_).
On PostgreSQL each searchable table gets a generated, stored ``fts_document`` column: the
index recheck and the ranking read it instead of re-parsing the text of every candidate row.

Revision ID: 0002_full_text_search
Revises: 0001_initial_schema
Create Date: 2026-11-22 02:10:00
"""

from alembic import op

revision = "0002_full_text_search"
down_revision = "0001_initial_schema"
branch_labels = None
depends_on = None

# Frozen here on purpose: a revision must not change when the models do.
SEARCHABLE = {
    "posts": ("title", "body"),
    "users": ("username", "email", "first_name", "last_name"),
    "comments": ("body",),
    "tasks": ("title",),
}


def _document(columns):
    # PostgreSQL's parser keeps e-mail addresses, host names and paths as single tokens; FTS5
    # splits them. Splitting on @ . / here makes a search for "quokka" find the same rows on
    # both engines.
    parts = " || ' ' || ".join(f"translate(coalesce({col}, ''), '@./', '   ')" for col in columns)
    return f"to_tsvector('english', {parts})"


def _sqlite_statements(table, columns):
    cols = ", ".join(columns)
    new = ", ".join(f"new.{col}" for col in columns)
    fts = f"fts_{table}"
    # The id is an indexed FTS column, so triggers find a row through the full-text index
    # (O(log n)); filtering an UNINDEXED column would scan the whole table on every write.
    # The exact id = check guards against two ids stemming to the same token.
    find_old = (
        f"DELETE FROM {fts} WHERE rowid IN (SELECT rowid FROM {fts} "
        f"WHERE {fts} MATCH 'id : \"' || old.id || '\"') AND id = old.id"
    )
    return [
        # Porter stemming to match PostgreSQL's english configuration. The id is stored rather
        # than the rowid: VACUUM may renumber rowids of tables without an integer key.
        f"CREATE VIRTUAL TABLE {fts} USING fts5(id, {cols}, "
        "tokenize = 'porter unicode61 remove_diacritics 0')",
        f"INSERT INTO {fts} (id, {cols}) SELECT id, {cols} FROM {table}",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts} (id, {cols}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {find_old}; END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {cols} ON {table} BEGIN {find_old}; "
        f"INSERT INTO {fts} (id, {cols}) VALUES (new.id, {new}); END",
    ]


def upgrade():
    dialect = op.get_bind().dialect.name
    for table, columns in SEARCHABLE.items():
        if dialect == "postgresql":
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN fts_document tsvector "
                f"GENERATED ALWAYS AS ({_document(columns)}) STORED"
            )
            op.execute(f"CREATE INDEX ix_fts_{table} ON {table} USING gin (fts_document)")
        elif dialect == "sqlite":
            for statement in _sqlite_statements(table, columns):
                op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for table in SEARCHABLE:
        if dialect == "postgresql":
            op.execute(f"DROP INDEX IF EXISTS ix_fts_{table}")
            op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS fts_document")
        elif dialect == "sqlite":
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS fts_{table}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS fts_{table}")
