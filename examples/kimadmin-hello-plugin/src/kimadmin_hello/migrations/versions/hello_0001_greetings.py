"""hello: greetings

The first revision of the ``hello`` branch: it needs the core's ``kim`` and ``regency`` tables,
hence ``depends_on = "0004"``. ``flask db downgrade hello@base`` removes only this table.

Revision ID: hello_0001
Revises:
Depends on: 0004
Create Date: 2026-11-25 22:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "hello_0001"
down_revision = None
branch_labels = ("hello",)
depends_on = "0004"


def upgrade():
    op.create_table(
        "hello_greeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kim_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("regency_code", sa.String(length=5), nullable=False),
        sa.ForeignKeyConstraint(["kim_id"], ["kim.id"], name=op.f("fk_hello_greeting_kim_id_kim"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["regency_code"], ["regency.code"], name=op.f("fk_hello_greeting_regency_code_regency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hello_greeting")),
    )
    with op.batch_alter_table("hello_greeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hello_greeting_kim_id"), ["kim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hello_greeting_regency_code"), ["regency_code"], unique=False)


def downgrade():
    with op.batch_alter_table("hello_greeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hello_greeting_regency_code"))
        batch_op.drop_index(batch_op.f("ix_hello_greeting_kim_id"))

    op.drop_table("hello_greeting")
