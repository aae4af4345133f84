"""spreadsheet import history (import_batch, import_record)

Revision ID: 0005_imports
Revises: 0004
Create Date: 2026-11-25 21:55:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005_imports"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_created", sa.Integer(), nullable=False),
        sa.Column("rows_updated", sa.Integer(), nullable=False),
        sa.Column("rows_skipped", sa.Integer(), nullable=False),
        sa.Column("regency_code", sa.String(length=5), nullable=False),
        sa.ForeignKeyConstraint(["regency_code"], ["regency.code"], name=op.f("fk_import_batch_regency_code_regency")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_import_batch_user_id_user_account"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch")),
    )
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_batch_regency_code"), ["regency_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_import_batch_user_id"), ["user_id"], unique=False)
        batch_op.create_index("ix_import_batch_regency_code_created_at", ["regency_code", "created_at"], unique=False)

    op.create_table(
        "import_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=30), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("regency_code", sa.String(length=5), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batch.id"], name=op.f("fk_import_record_batch_id_import_batch"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["regency_code"], ["regency.code"], name=op.f("fk_import_record_regency_code_regency")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_record")),
    )
    with op.batch_alter_table("import_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_record_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_import_record_regency_code"), ["regency_code"], unique=False)


def downgrade():
    with op.batch_alter_table("import_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_record_regency_code"))
        batch_op.drop_index(batch_op.f("ix_import_record_batch_id"))
    op.drop_table("import_record")
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_index("ix_import_batch_regency_code_created_at")
        batch_op.drop_index(batch_op.f("ix_import_batch_user_id"))
        batch_op.drop_index(batch_op.f("ix_import_batch_regency_code"))
    op.drop_table("import_batch")
