"""import_batch.upload_token: one upload is applied at most once

Revision ID: 0007_imports
Revises: 0007_auth_sessions
Create Date: 2026-11-26 02:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007_imports"
down_revision = "0007_auth_sessions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.add_column(sa.Column("upload_token", sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_import_batch_upload_token"), ["upload_token"])


def downgrade():
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_import_batch_upload_token"), type_="unique")
        batch_op.drop_column("upload_token")
