"""merge the core branches of session 2: audit history, TOTP encryption, imports, trash

Revision ID: 0006
Revises: 0005_audit, 0005_totp, 0005_imports, 0005_trash
Create Date: 2026-11-25 22:12:00

The four were written side by side from 0004; they touch different tables, so the merge has
nothing to do but leave the core with one head again (plugins' first revisions may depend on it).
"""

revision = "0006"
down_revision = ("0005_audit", "0005_totp", "0005_imports", "0005_trash")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
