"""film festival: editions of a province office (provincial festivals)

An edition, its criteria and its jurors may now belong to a province office instead of one
regency (``kimadmin.tenancy.ProvinceOrRegencyOwned``): ``province_code`` is added (filled from the
regency for existing rows) and ``regency_code`` may be empty. Downgrading deletes the provincial
editions (with their films, jurors and scores; awards already published stay on the KIM records)
before ``regency_code`` becomes mandatory again.

Revision ID: film_festival_0002
Revises: film_festival_0001
Create Date: 2026-11-26 03:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "film_festival_0002"
down_revision = "film_festival_0001"
branch_labels = None
depends_on = None

OWNED = ("film_festival_edition", "film_festival_criterion", "film_festival_juror")


def upgrade():
    for table in OWNED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("province_code", sa.String(length=2), nullable=True))
        op.execute(f"UPDATE {table} SET province_code = substr(regency_code, 1, 2)")  # noqa: S608 - fixed names
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("province_code", existing_type=sa.String(length=2), nullable=False)
            batch_op.alter_column("regency_code", existing_type=sa.String(length=5), nullable=True)
            batch_op.create_index(batch_op.f(f"ix_{table}_province_code"), ["province_code"], unique=False)
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_province_code_province"), "province", ["province_code"], ["code"]
            )


def downgrade():
    provincial = "SELECT id FROM film_festival_edition WHERE regency_code IS NULL"
    submissions = f"SELECT id FROM film_festival_submission WHERE edition_id IN ({provincial})"  # noqa: S608
    # Children first: SQLite does not cascade unless foreign keys are switched on.
    op.execute(f"DELETE FROM film_festival_score WHERE submission_id IN ({submissions})")  # noqa: S608
    op.execute(f"DELETE FROM film_festival_submission WHERE edition_id IN ({provincial})")  # noqa: S608
    for table in ("film_festival_juror", "film_festival_criterion"):
        op.execute(f"DELETE FROM {table} WHERE edition_id IN ({provincial})")  # noqa: S608
    op.execute("DELETE FROM film_festival_edition WHERE regency_code IS NULL")
    for table in reversed(OWNED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"fk_{table}_province_code_province"), type_="foreignkey")
            batch_op.drop_index(batch_op.f(f"ix_{table}_province_code"))
            batch_op.alter_column("regency_code", existing_type=sa.String(length=5), nullable=False)
            batch_op.drop_column("province_code")
