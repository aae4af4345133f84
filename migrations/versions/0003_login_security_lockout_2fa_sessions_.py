"""login security: lockout, 2FA, sessions, reset links, auth events

User columns for lockout, forced password change, session invalidation and TOTP; tables for the
login journal (auth_event), one-time reset links and TOTP recovery codes.

user_account is only altered with plain ADD/DROP COLUMN (SQLite >= 3.35 has both): a batch
"move and copy" of user_account would drop the old table with foreign keys on, and SQLite would
null other tables' references to users (kim_status_change.recorded_by_id).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 18:27:18.674029

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('auth_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('email_masked', sa.String(length=254), nullable=True),
    sa.Column('ip', sa.String(length=45), nullable=True),
    sa.Column('user_agent', sa.String(length=255), nullable=True),
    sa.Column('regency_code', sa.String(length=5), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_auth_event_actor_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['regency_code'], ['regency.code'], name=op.f('fk_auth_event_regency_code_regency')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_auth_event_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_auth_event'))
    )
    with op.batch_alter_table('auth_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auth_event_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_auth_event_regency_code'), ['regency_code'], unique=False)
        batch_op.create_index('ix_auth_event_user_id_occurred_at', ['user_id', 'occurred_at'], unique=False)

    op.create_table('password_reset_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_password_reset_token_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_password_reset_token_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_reset_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_password_reset_token_token_hash'))
    )
    with op.batch_alter_table('password_reset_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_reset_token_user_id'), ['user_id'], unique=False)

    op.create_table('recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_recovery_code_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code'))
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_user_id'), ['user_id'], unique=False)

    # Plain ADD COLUMN with literal defaults: on SQLite, batch mode would "move and copy" the table
    # for a SQL-expression default such as sa.false(), dropping the old table with foreign keys on
    # (SQLite then nulls kim_status_change.recorded_by_id). '0' is false on PostgreSQL as well.
    op.add_column('user_account', sa.Column('must_change_password', sa.Boolean(), server_default='0', nullable=False))
    op.add_column('user_account', sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('user_account', sa.Column('failed_login_count', sa.Integer(), server_default='0', nullable=False))
    op.add_column('user_account', sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
    op.add_column('user_account', sa.Column('session_version', sa.Integer(), server_default='1', nullable=False))
    op.add_column('user_account', sa.Column('totp_secret', sa.String(length=64), nullable=True))
    op.add_column('user_account', sa.Column('totp_enabled', sa.Boolean(), server_default='0', nullable=False))
    op.add_column('user_account', sa.Column('totp_last_step', sa.BigInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_user_id'))

    op.drop_table('recovery_code')
    with op.batch_alter_table('password_reset_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_reset_token_user_id'))

    op.drop_table('password_reset_token')
    with op.batch_alter_table('auth_event', schema=None) as batch_op:
        batch_op.drop_index('ix_auth_event_user_id_occurred_at')
        batch_op.drop_index(batch_op.f('ix_auth_event_regency_code'))
        batch_op.drop_index(batch_op.f('ix_auth_event_occurred_at'))

    op.drop_table('auth_event')
    for column in (
        'totp_last_step',
        'totp_enabled',
        'totp_secret',
        'session_version',
        'locked_until',
        'failed_login_count',
        'password_changed_at',
        'must_change_password',
    ):
        op.drop_column('user_account', column)
