"""import summary stored with the upload; last used TOTP step

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 23:10:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('importbatch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('overzicht', sa.JSON(), nullable=True))
    with op.batch_alter_table('gebruiker', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_laatste_stap', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('gebruiker', schema=None) as batch_op:
        batch_op.drop_column('totp_laatste_stap')
    with op.batch_alter_table('importbatch', schema=None) as batch_op:
        batch_op.drop_column('overzicht')
