"""Big tables: list indexes, stored counters kept by triggers, reading time stored at write.

Every list walks an index in its sort order instead of sorting the table: ``(created_at, id)``
and each offered sort over live rows, ``(deleted_at, id)`` over trashed rows, open live tasks
by due date, and the tag side of post-tag links. ``users.post_count``, ``tags.post_count``,
``posts.comment_count``, ``comments.reply_count`` (live children) and ``posts.reading_minutes``
are columns kept by triggers, so they are right after any write: ORM, bulk statements,
cascades, raw SQL. Triggers are written by hand; autogenerate never compares them.

Revision ID: 0005_big_tables
Revises: 0004_audit_trail
Create Date: 2026-12-02 00:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_big_tables"
down_revision = "0004_audit_trail"
branch_labels = None
depends_on = None

# Frozen here on purpose: a revision must not change when the models do.
LIVE = "deleted_at IS NULL"
LIST_SORTS = {
    "users": ("created_at", "is_active", "post_count"),
    "profiles": ("created_at", "location"),
    "tags": ("created_at", "post_count"),
    "posts": ("created_at", "title", "published_at", "comment_count", "reading_minutes"),
    "comments": ("created_at", "reply_count"),
    "tasks": ("created_at", "title", "priority", "due_at", "done_at"),
}
COUNTERS = {
    "users": ("post_count",),
    "tags": ("post_count",),
    "posts": ("comment_count", "reading_minutes"),
    "comments": ("reply_count",),
}
MINUTES = (
    "(CASE WHEN length(coalesce({b}, '')) = 0 THEN 0 ELSE length({b}) - "
    "length(replace({b}, ' ', '')) + 1 END + 199) / 200"
)

PG_FUNCTIONS = [
    """
CREATE FUNCTION counters_comments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.deleted_at IS NULL THEN
        UPDATE posts SET comment_count = comment_count - 1 WHERE id = OLD.post_id;
        UPDATE comments SET reply_count = reply_count - 1 WHERE id = OLD.parent_id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.deleted_at IS NULL THEN
        UPDATE posts SET comment_count = comment_count + 1 WHERE id = NEW.post_id;
        UPDATE comments SET reply_count = reply_count + 1 WHERE id = NEW.parent_id;
    END IF;
    RETURN NULL;
END;
$$""",
    """
CREATE FUNCTION counters_posts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.deleted_at IS NULL THEN
        UPDATE users SET post_count = post_count - 1 WHERE id = OLD.author_id;
        IF TG_OP = 'DELETE' OR NEW.deleted_at IS NOT NULL THEN
            UPDATE tags SET post_count = post_count - 1
            WHERE id IN (SELECT tag_id FROM post_tags WHERE post_id = OLD.id);
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.deleted_at IS NULL THEN
        UPDATE users SET post_count = post_count + 1 WHERE id = NEW.author_id;
        IF TG_OP = 'UPDATE' AND OLD.deleted_at IS NOT NULL THEN
            UPDATE tags SET post_count = post_count + 1
            WHERE id IN (SELECT tag_id FROM post_tags WHERE post_id = NEW.id);
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$""",
    # A link counts while its post is live; once the post row is gone (a cascade after the
    # post's own BEFORE DELETE trigger counted it down) the link no longer counts.
    """
CREATE FUNCTION counters_post_tags() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE tags SET post_count = post_count + 1 WHERE id = NEW.tag_id
        AND EXISTS (SELECT 1 FROM posts WHERE id = NEW.post_id AND deleted_at IS NULL);
        RETURN NULL;
    END IF;
    UPDATE tags SET post_count = post_count - 1 WHERE id = OLD.tag_id
    AND EXISTS (SELECT 1 FROM posts WHERE id = OLD.post_id AND deleted_at IS NULL);
    RETURN NULL;
END;
$$""",
    f"""
CREATE FUNCTION counters_reading_minutes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.reading_minutes := {MINUTES.format(b="NEW.body")};
    RETURN NEW;
END;
$$""",
]
PG_TRIGGERS = [
    "CREATE TRIGGER counters_comments AFTER INSERT OR DELETE OR UPDATE OF deleted_at, "
    "post_id, parent_id ON comments FOR EACH ROW EXECUTE FUNCTION counters_comments()",
    # BEFORE DELETE: the post's tag links are still there to be counted down.
    "CREATE TRIGGER counters_posts_delete BEFORE DELETE ON posts "
    "FOR EACH ROW EXECUTE FUNCTION counters_posts()",
    "CREATE TRIGGER counters_posts AFTER INSERT OR UPDATE OF deleted_at, author_id ON posts "
    "FOR EACH ROW EXECUTE FUNCTION counters_posts()",
    "CREATE TRIGGER counters_post_tags AFTER INSERT OR DELETE ON post_tags "
    "FOR EACH ROW EXECUTE FUNCTION counters_post_tags()",
    "CREATE TRIGGER counters_reading_minutes BEFORE INSERT OR UPDATE OF body ON posts "
    "FOR EACH ROW EXECUTE FUNCTION counters_reading_minutes()",
]
PG_DROP = [
    "DROP TRIGGER IF EXISTS counters_comments ON comments",
    "DROP TRIGGER IF EXISTS counters_posts_delete ON posts",
    "DROP TRIGGER IF EXISTS counters_posts ON posts",
    "DROP TRIGGER IF EXISTS counters_post_tags ON post_tags",
    "DROP TRIGGER IF EXISTS counters_reading_minutes ON posts",
    "DROP FUNCTION IF EXISTS counters_comments()",
    "DROP FUNCTION IF EXISTS counters_posts()",
    "DROP FUNCTION IF EXISTS counters_post_tags()",
    "DROP FUNCTION IF EXISTS counters_reading_minutes()",
]


def _sqlite_moves(table, column, key, row, sign):
    return (
        f"UPDATE {table} SET {column} = {column} {sign} 1 WHERE id = {row}.{key} "
        f"AND {row}.deleted_at IS NULL;"
    )


def _sqlite_comment_moves(row, sign):
    return _sqlite_moves("posts", "comment_count", "post_id", row, sign) + _sqlite_moves(
        "comments", "reply_count", "parent_id", row, sign
    )


def _sqlite_tag_moves(row, sign, when):
    return (
        f"UPDATE tags SET post_count = post_count {sign} 1 WHERE {when} "
        f"AND id IN (SELECT tag_id FROM post_tags WHERE post_id = {row}.id);"
    )


SQLITE_LINK_LIVE = "EXISTS (SELECT 1 FROM posts WHERE id = {r}.post_id AND deleted_at IS NULL)"
SQLITE_TRIGGERS = [
    "CREATE TRIGGER counters_comments_ai AFTER INSERT ON comments BEGIN "
    + _sqlite_comment_moves("NEW", "+")
    + " END",
    "CREATE TRIGGER counters_comments_ad AFTER DELETE ON comments BEGIN "
    + _sqlite_comment_moves("OLD", "-")
    + " END",
    "CREATE TRIGGER counters_comments_au AFTER UPDATE OF deleted_at, post_id, parent_id "
    "ON comments BEGIN "
    + _sqlite_comment_moves("OLD", "-")
    + _sqlite_comment_moves("NEW", "+")
    + " END",
    "CREATE TRIGGER counters_posts_ai AFTER INSERT ON posts BEGIN "
    + _sqlite_moves("users", "post_count", "author_id", "NEW", "+")
    + f" UPDATE posts SET reading_minutes = {MINUTES.format(b='NEW.body')} WHERE id = NEW.id;"
    + " END",
    "CREATE TRIGGER counters_posts_bd BEFORE DELETE ON posts BEGIN "
    + _sqlite_moves("users", "post_count", "author_id", "OLD", "-")
    + _sqlite_tag_moves("OLD", "-", "OLD.deleted_at IS NULL")
    + " END",
    "CREATE TRIGGER counters_posts_au AFTER UPDATE OF deleted_at, author_id ON posts BEGIN "
    + _sqlite_moves("users", "post_count", "author_id", "OLD", "-")
    + _sqlite_moves("users", "post_count", "author_id", "NEW", "+")
    + _sqlite_tag_moves("OLD", "-", "OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL")
    + _sqlite_tag_moves("NEW", "+", "OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL")
    + " END",
    "CREATE TRIGGER counters_posts_body AFTER UPDATE OF body ON posts BEGIN "
    f"UPDATE posts SET reading_minutes = {MINUTES.format(b='NEW.body')} WHERE id = NEW.id; END",
    "CREATE TRIGGER counters_post_tags_ai AFTER INSERT ON post_tags BEGIN "
    "UPDATE tags SET post_count = post_count + 1 WHERE id = NEW.tag_id AND "
    + SQLITE_LINK_LIVE.format(r="NEW")
    + "; END",
    "CREATE TRIGGER counters_post_tags_ad AFTER DELETE ON post_tags BEGIN "
    "UPDATE tags SET post_count = post_count - 1 WHERE id = OLD.tag_id AND "
    + SQLITE_LINK_LIVE.format(r="OLD")
    + "; END",
]
SQLITE_TRIGGER_NAMES = [statement.split()[2] for statement in SQLITE_TRIGGERS]

BACKFILL = {
    "users": "post_count = (SELECT count(*) FROM posts p WHERE p.author_id = users.id "
    "AND p.deleted_at IS NULL)",
    "tags": "post_count = (SELECT count(*) FROM post_tags pt JOIN posts p ON p.id = pt.post_id "
    "WHERE pt.tag_id = tags.id AND p.deleted_at IS NULL)",
    "comments": "reply_count = (SELECT count(*) FROM comments r WHERE r.parent_id = comments.id "
    "AND r.deleted_at IS NULL)",
}
# One pass over posts for both of its values; only rows that change are rewritten.
PG_POSTS_BACKFILL = f"""
UPDATE posts SET comment_count = coalesce(c.n, 0), reading_minutes = {MINUTES.format(b="posts.body")}
FROM posts AS p LEFT JOIN (
    SELECT post_id, count(*) AS n FROM comments WHERE deleted_at IS NULL GROUP BY post_id
) AS c ON c.post_id = p.id
WHERE p.id = posts.id
"""
SQLITE_POSTS_BACKFILL = (
    "UPDATE posts SET comment_count = (SELECT count(*) FROM comments c WHERE c.post_id = posts.id "
    f"AND c.deleted_at IS NULL), reading_minutes = {MINUTES.format(b='body')}"
)
PG_COUNTS_BACKFILL = {
    "users": "UPDATE users SET post_count = c.n FROM (SELECT author_id, count(*) AS n FROM posts "
    "WHERE deleted_at IS NULL GROUP BY author_id) AS c WHERE c.author_id = users.id",
    "tags": "UPDATE tags SET post_count = c.n FROM (SELECT pt.tag_id, count(*) AS n "
    "FROM post_tags pt JOIN posts p ON p.id = pt.post_id WHERE p.deleted_at IS NULL "
    "GROUP BY pt.tag_id) AS c WHERE c.tag_id = tags.id",
    "comments": "UPDATE comments SET reply_count = c.n FROM (SELECT parent_id, count(*) AS n "
    "FROM comments WHERE deleted_at IS NULL AND parent_id IS NOT NULL GROUP BY parent_id) AS c "
    "WHERE c.parent_id = comments.id",
}


# The dashboard's daily rollup: records created and deleted per UTC day and table.
ACTIVITY_TABLES = ("users", "profiles", "tags", "posts", "comments", "tasks")
PG_DAY = "to_char(({c}) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
SQLITE_DAY = "substr({c}, 1, 10)"
PG_ACTIVITY = [
    f"""
CREATE FUNCTION daily_activity_add(at timestamptz, name text, c int, d int)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO daily_activity (day, table_name, created, deleted)
    VALUES ({PG_DAY.format(c="at")}, name, c, d)
    ON CONFLICT (day, table_name) DO UPDATE
    SET created = daily_activity.created + EXCLUDED.created,
        deleted = daily_activity.deleted + EXCLUDED.deleted
$$""",
    """
CREATE FUNCTION daily_activity_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM daily_activity_add(OLD.created_at, TG_TABLE_NAME, -1, 0);
        IF OLD.deleted_at IS NOT NULL THEN
            PERFORM daily_activity_add(OLD.deleted_at, TG_TABLE_NAME, 0, -1);
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM daily_activity_add(NEW.created_at, TG_TABLE_NAME, 1, 0);
        IF NEW.deleted_at IS NOT NULL THEN
            PERFORM daily_activity_add(NEW.deleted_at, TG_TABLE_NAME, 0, 1);
        END IF;
    END IF;
    RETURN NULL;
END;
$$""",
]


def _sqlite_activity(table, row, sign):
    moves = []
    for column, created, deleted in (("created_at", 1, 0), ("deleted_at", 0, 1)):
        day = SQLITE_DAY.format(c=f"{row}.{column}")
        moves.append(
            f"INSERT INTO daily_activity (day, table_name, created, deleted) "
            f"SELECT {day}, '{table}', {sign}{created}, {sign}{deleted} "
            f"WHERE {row}.{column} IS NOT NULL "
            "ON CONFLICT (day, table_name) DO UPDATE SET created = created + excluded.created, "
            "deleted = deleted + excluded.deleted;"
        )
    return " ".join(moves)


def _activity_triggers(table, is_pg):
    if is_pg:
        return [
            f"CREATE TRIGGER daily_activity_{table} AFTER INSERT OR DELETE OR UPDATE OF "
            f"created_at, deleted_at ON {table} FOR EACH ROW EXECUTE FUNCTION daily_activity_count()"
        ]
    name = f"daily_activity_{table}"
    old, new = _sqlite_activity(table, "OLD", "-"), _sqlite_activity(table, "NEW", "")
    return [
        f"CREATE TRIGGER {name}_ai AFTER INSERT ON {table} BEGIN {new} END",
        f"CREATE TRIGGER {name}_ad AFTER DELETE ON {table} BEGIN {old} END",
        f"CREATE TRIGGER {name}_au AFTER UPDATE OF created_at, deleted_at ON {table} "
        f"BEGIN {old} {new} END",
    ]


def _create_activity(is_pg):
    op.create_table(
        "daily_activity",
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("table_name", sa.String(length=50), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "table_name", name=op.f("pk_daily_activity")),
    )
    day = PG_DAY if is_pg else SQLITE_DAY
    parts = [
        f"SELECT {day.format(c=column)} AS day, '{table}' AS table_name, {counts} FROM {table} "
        f"WHERE {column} IS NOT NULL GROUP BY {day.format(c=column)}"
        for table in ACTIVITY_TABLES
        for column, counts in (
            ("created_at", "count(*) AS created, 0 AS deleted"),
            ("deleted_at", "0 AS created, count(*) AS deleted"),
        )
    ]
    rows = " UNION ALL ".join(parts)
    op.execute(
        "INSERT INTO daily_activity (day, table_name, created, deleted) "
        f"SELECT day, table_name, sum(created), sum(deleted) FROM ({rows}) AS counted "
        "GROUP BY day, table_name"
    )
    for statement in PG_ACTIVITY if is_pg else []:
        op.execute(statement)
    for table in ACTIVITY_TABLES:
        for statement in _activity_triggers(table, is_pg):
            op.execute(statement)


def _drop_activity(is_pg):
    for table in ACTIVITY_TABLES:
        if is_pg:
            op.execute(f"DROP TRIGGER IF EXISTS daily_activity_{table} ON {table}")
        else:
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS daily_activity_{table}_{suffix}")
    if is_pg:
        op.execute("DROP FUNCTION IF EXISTS daily_activity_count()")
        op.execute("DROP FUNCTION IF EXISTS daily_activity_add(timestamptz, text, int, int)")
    op.drop_table("daily_activity")


def _add_counters():
    # ADD COLUMN with a constant default rewrites nothing on either engine.
    for table, columns in COUNTERS.items():
        for column in columns:
            op.add_column(
                table, sa.Column(column, sa.Integer(), nullable=False, server_default=sa.text("0"))
            )


def _backfill(is_pg):
    if is_pg:
        op.execute(PG_POSTS_BACKFILL)
        for statement in PG_COUNTS_BACKFILL.values():
            op.execute(statement)
        return
    op.execute(SQLITE_POSTS_BACKFILL)
    for table, assignment in BACKFILL.items():
        op.execute(f"UPDATE {table} SET {assignment}")


def _create_indexes():
    for table, columns in LIST_SORTS.items():
        for column in columns:
            op.create_index(
                f"ix_{table}_{column}_live",
                table,
                [column, "id"],
                postgresql_where=sa.text(LIVE),
                sqlite_where=sa.text(LIVE),
            )
        op.create_index(
            f"ix_{table}_trashed",
            table,
            ["deleted_at", "id"],
            postgresql_where=sa.text("deleted_at IS NOT NULL"),
            sqlite_where=sa.text("deleted_at IS NOT NULL"),
        )
    open_live = sa.text("done_at IS NULL AND deleted_at IS NULL")
    op.create_index(
        "ix_tasks_open_due",
        "tasks",
        ["due_at", "id"],
        postgresql_where=open_live,
        sqlite_where=open_live,
    )
    op.create_index("ix_post_tags_tag_id", "post_tags", ["tag_id"])


def upgrade():
    is_pg = op.get_bind().dialect.name == "postgresql"
    if is_pg:
        # Index builds over a million rows want more than the default 64 MB to sort in.
        op.execute("SET LOCAL maintenance_work_mem = '256MB'")
    _add_counters()
    _backfill(is_pg)
    _create_indexes()
    _create_activity(is_pg)
    if is_pg:
        for statement in PG_FUNCTIONS + PG_TRIGGERS:
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    _drop_activity(op.get_bind().dialect.name == "postgresql")
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_DROP:
            op.execute(statement)
    else:
        for name in SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_post_tags_tag_id", table_name="post_tags")
    op.drop_index("ix_tasks_open_due", table_name="tasks")
    for table, columns in LIST_SORTS.items():
        op.drop_index(f"ix_{table}_trashed", table_name=table)
        for column in columns:
            op.drop_index(f"ix_{table}_{column}_live", table_name=table)
    for table, columns in COUNTERS.items():
        for column in columns:
            # Plain ALTER TABLE on SQLite too (3.35+): a batch copy of the table would lose
            # the full-text triggers of revision 0002.
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
