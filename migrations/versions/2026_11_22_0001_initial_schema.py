"""Initial schema: operators and the demo domain, with live-only unique indexes.

Revision ID: 0001_initial_schema
Revises:
Create Date: 2026-11-22 01:58:47.046460
"""

import sqlalchemy as sa
import sqlalchemy_utils
from alembic import op

import admin_app.columns

revision = "0001_initial_schema"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "operators",
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("last_login_at", admin_app.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=False),
        sa.Column("created_at", admin_app.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", admin_app.columns.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('viewer', 'editor', 'admin')", name=op.f("ck_operators_role_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operators")),
        sa.UniqueConstraint("username", name=op.f("uq_operators_username")),
    )
    op.create_table(
        "tags",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("slug", sa.String(length=60), nullable=False),
        sa.Column("id", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=False),
        sa.Column("created_at", admin_app.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", admin_app.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", admin_app.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "delete_batch", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=True
        ),
        sa.Column("deleted_by", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=True),
        sa.ForeignKeyConstraint(
            ["deleted_by"],
            ["operators.id"],
            name=op.f("fk_tags_deleted_by_operators"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
    )
    with op.batch_alter_table("tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tags_delete_batch"), ["delete_batch"], unique=False)
        batch_op.create_index(batch_op.f("ix_tags_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index(
            "uq_tags_name_live",
            ["name"],
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.create_index(
            "uq_tags_slug_live",
            ["slug"],
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "users",
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("email", sqlalchemy_utils.types.email.EmailType(length=255), nullable=False),
        sa.Column("first_name", sa.String(length=80), nullable=False),
        sa.Column("last_name", sa.String(length=80), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("id", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=False),
        sa.Column("created_at", admin_app.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", admin_app.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", admin_app.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "delete_batch", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=True
        ),
        sa.Column("deleted_by", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=True),
        sa.ForeignKeyConstraint(
            ["deleted_by"],
            ["operators.id"],
            name=op.f("fk_users_deleted_by_operators"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_delete_batch"), ["delete_batch"], unique=False)
        batch_op.create_index(batch_op.f("ix_users_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index(
            "uq_users_email_live",
            ["email"],
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.create_index(
            "uq_users_username_live",
            ["username"],
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "posts",
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("slug", sa.String(length=220), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("published_at", admin_app.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("author_id", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=False),
        sa.Column("id", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=False),
        sa.Column("created_at", admin_app.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", admin_app.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", admin_app.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "delete_batch", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=True
        ),
        sa.Column("deleted_by", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_posts_author_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["deleted_by"],
            ["operators.id"],
            name=op.f("fk_posts_deleted_by_operators"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posts")),
    )
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_posts_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_posts_delete_batch"), ["delete_batch"], unique=False)
        batch_op.create_index(batch_op.f("ix_posts_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_posts_published_at"), ["published_at"], unique=False)
        batch_op.create_index(
            "uq_posts_slug_live",
            ["slug"],
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "profiles",
        sa.Column("user_id", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=False),
        sa.Column("bio", sa.Text(), nullable=False),
        sa.Column("website", sa.String(length=255), nullable=True),
        sa.Column("location", sa.String(length=120), nullable=True),
        sa.Column("id", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=False),
        sa.Column("created_at", admin_app.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", admin_app.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", admin_app.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "delete_batch", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=True
        ),
        sa.Column("deleted_by", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=True),
        sa.ForeignKeyConstraint(
            ["deleted_by"],
            ["operators.id"],
            name=op.f("fk_profiles_deleted_by_operators"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_profiles_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profiles")),
    )
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_profiles_delete_batch"), ["delete_batch"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_profiles_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index(
            "uq_profiles_user_id_live",
            ["user_id"],
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "comments",
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_id", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=False),
        sa.Column("post_id", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=False),
        sa.Column("parent_id", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=True),
        sa.Column("id", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=False),
        sa.Column("created_at", admin_app.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", admin_app.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", admin_app.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "delete_batch", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=True
        ),
        sa.Column("deleted_by", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_comments_author_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["deleted_by"],
            ["operators.id"],
            name=op.f("fk_comments_deleted_by_operators"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["comments.id"],
            name=op.f("fk_comments_parent_id_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_comments_post_id_posts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
    )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comments_author_id"), ["author_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_comments_delete_batch"), ["delete_batch"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_comments_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_comments_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_comments_post_id"), ["post_id"], unique=False)

    op.create_table(
        "post_tags",
        sa.Column("post_id", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=False),
        sa.Column("tag_id", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_post_tags_post_id_posts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tags.id"], name=op.f("fk_post_tags_tag_id_tags"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("post_id", "tag_id", name=op.f("pk_post_tags")),
    )
    op.create_table(
        "tasks",
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("due_at", admin_app.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("done_at", admin_app.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column(
            "assignee_id", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=False
        ),
        sa.Column("post_id", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=True),
        sa.Column("id", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=False),
        sa.Column("created_at", admin_app.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", admin_app.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", admin_app.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "delete_batch", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=True
        ),
        sa.Column("deleted_by", sqlalchemy_utils.types.uuid.UUIDType(binary=False), nullable=True),
        sa.CheckConstraint("priority BETWEEN 1 AND 4", name=op.f("ck_tasks_priority_range")),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["users.id"],
            name=op.f("fk_tasks_assignee_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["deleted_by"],
            ["operators.id"],
            name=op.f("fk_tasks_deleted_by_operators"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_tasks_post_id_posts"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tasks_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_delete_batch"), ["delete_batch"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_due_at"), ["due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_post_id"), ["post_id"], unique=False)


def downgrade():
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tasks_post_id"))
        batch_op.drop_index(batch_op.f("ix_tasks_due_at"))
        batch_op.drop_index(batch_op.f("ix_tasks_deleted_at"))
        batch_op.drop_index(batch_op.f("ix_tasks_delete_batch"))
        batch_op.drop_index(batch_op.f("ix_tasks_assignee_id"))

    op.drop_table("tasks")
    op.drop_table("post_tags")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comments_post_id"))
        batch_op.drop_index(batch_op.f("ix_comments_parent_id"))
        batch_op.drop_index(batch_op.f("ix_comments_deleted_at"))
        batch_op.drop_index(batch_op.f("ix_comments_delete_batch"))
        batch_op.drop_index(batch_op.f("ix_comments_author_id"))

    op.drop_table("comments")
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_profiles_user_id_live",
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_profiles_deleted_at"))
        batch_op.drop_index(batch_op.f("ix_profiles_delete_batch"))

    op.drop_table("profiles")
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_posts_slug_live",
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_posts_published_at"))
        batch_op.drop_index(batch_op.f("ix_posts_deleted_at"))
        batch_op.drop_index(batch_op.f("ix_posts_delete_batch"))
        batch_op.drop_index(batch_op.f("ix_posts_author_id"))

    op.drop_table("posts")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_users_username_live",
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index(
            "uq_users_email_live",
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_users_deleted_at"))
        batch_op.drop_index(batch_op.f("ix_users_delete_batch"))

    op.drop_table("users")
    with op.batch_alter_table("tags", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_tags_slug_live",
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index(
            "uq_tags_name_live",
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_tags_deleted_at"))
        batch_op.drop_index(batch_op.f("ix_tags_delete_batch"))

    op.drop_table("tags")
    op.drop_table("operators")
