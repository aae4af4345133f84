"""server-side record of login sessions: logout ends a copied cookie too

Revision ID: 0007_auth_sessions
Revises: 0006
Create Date: 2026-11-26 02:45:00

One row per logged-in browser session (the SHA-256 of the random id in its cookie). Cookies of
sessions started before this revision carry no id: those users log in once more.
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_auth_sessions'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('auth_session',
    sa.Column('id_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_auth_session_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id_hash', name=op.f('pk_auth_session'))
    )
    with op.batch_alter_table('auth_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auth_session_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('auth_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auth_session_user_id'))

    op.drop_table('auth_session')
