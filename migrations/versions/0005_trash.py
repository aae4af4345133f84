"""trash and restore (deleted_at, deleted_by, trash batches) and row versions for concurrent edits

Revision ID: 0005_trash
Revises: 0004
Create Date: 2026-11-25 22:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005_trash"
down_revision = "0004"
branch_labels = None
depends_on = None

# Tables whose rows go to the trash instead of being deleted.
TRASHABLE = (
    "activity",
    "activity_participant",
    "award",
    "board",
    "board_member",
    "content_item",
    "decree",
    "fkmetra_group",
    "kim",
    "media_channel",
    "monev_assessment",
)
# Tables with an optimistic-locking version (edited through forms by several officers).
VERSIONED = ("activity", "board", "decree", "fkmetra_group", "kim")


def upgrade():
    op.create_table(
        "trash_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_table", sa.String(length=60), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_by", sa.Integer(), nullable=True),
        sa.Column("deleted_by_name", sa.String(length=200), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("regency_code", sa.String(length=5), nullable=True),
        sa.ForeignKeyConstraint(
            ["deleted_by"],
            ["user_account.id"],
            name=op.f("fk_trash_batch_deleted_by_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["regency_code"], ["regency.code"], name=op.f("fk_trash_batch_regency_code_regency")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trash_batch")),
    )
    with op.batch_alter_table("trash_batch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trash_batch_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_trash_batch_regency_code"), ["regency_code"], unique=False)

    for table in TRASHABLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column("deleted_by", sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column("trash_batch_id", sa.Integer(), nullable=True))
            if table in VERSIONED:
                batch_op.add_column(sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False))
            batch_op.create_index(batch_op.f(f"ix_{table}_trash_batch_id"), ["trash_batch_id"], unique=False)
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_deleted_by_user_account"),
                "user_account",
                ["deleted_by"],
                ["id"],
                ondelete="SET NULL",
            )
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_trash_batch_id_trash_batch"),
                "trash_batch",
                ["trash_batch_id"],
                ["id"],
                ondelete="SET NULL",
            )


def downgrade():
    for table in TRASHABLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"fk_{table}_trash_batch_id_trash_batch"), type_="foreignkey")
            batch_op.drop_constraint(batch_op.f(f"fk_{table}_deleted_by_user_account"), type_="foreignkey")
            batch_op.drop_index(batch_op.f(f"ix_{table}_trash_batch_id"))
            if table in VERSIONED:
                batch_op.drop_column("version")
            batch_op.drop_column("trash_batch_id")
            batch_op.drop_column("deleted_by")
            batch_op.drop_column("deleted_at")

    with op.batch_alter_table("trash_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trash_batch_regency_code"))
        batch_op.drop_index(batch_op.f("ix_trash_batch_deleted_at"))
    op.drop_table("trash_batch")
