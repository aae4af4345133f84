"""encrypt TOTP secrets at rest

Revision ID: 0005_totp
Revises: 0004
Create Date: 2026-11-25 22:30:00

Widens ``user_account.totp_secret`` for Fernet tokens and encrypts the secrets already stored
(with the running app's key: ``KIMADMIN_ENCRYPTION_KEYS`` or the one derived from SECRET_KEY).
Downgrade decrypts them again.
"""

import sqlalchemy as sa
from alembic import op
from flask import current_app

from kimadmin.crypto import encryption, looks_encrypted

revision = "0005_totp"
down_revision = "0004"
branch_labels = None
depends_on = None

users = sa.table("user_account", sa.column("id", sa.Integer), sa.column("totp_secret", sa.String))


def _rewrite(change) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(users.c.id, users.c.totp_secret).where(users.c.totp_secret.is_not(None)))
    for user_id, secret in rows.all():
        new = change(secret)
        if new != secret:
            connection.execute(sa.update(users).where(users.c.id == user_id).values(totp_secret=new))


def upgrade():
    with op.batch_alter_table("user_account") as batch:
        batch.alter_column("totp_secret", existing_type=sa.String(64), type_=sa.String(255))
    fernet = encryption(current_app)
    _rewrite(lambda secret: secret if looks_encrypted(secret) else fernet.encrypt(secret.encode()).decode())


def downgrade():
    fernet = encryption(current_app)
    _rewrite(lambda secret: fernet.decrypt(secret.encode()).decode() if looks_encrypted(secret) else secret)
    with op.batch_alter_table("user_account") as batch:
        batch.alter_column("totp_secret", existing_type=sa.String(255), type_=sa.String(64))
