"""change-log seq handed out at commit from a counter row; rate counts shared by every process

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 08:00:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('changecounter',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.execute("INSERT INTO changecounter (id, seq) SELECT 1, COALESCE(MAX(seq), 0) FROM changelog")
    if op.get_bind().dialect.name == 'postgresql':  # seq now comes from the counter, never the serial
        op.execute("ALTER TABLE changelog ALTER COLUMN seq DROP DEFAULT")
        op.execute("DROP SEQUENCE IF EXISTS changelog_seq_seq")
    op.create_table('ratecount',
    sa.Column('bucket_key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('window_start', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('bucket_key', 'window_start')
    )


def downgrade() -> None:
    op.drop_table('ratecount')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("CREATE SEQUENCE changelog_seq_seq OWNED BY changelog.seq")
        op.execute("SELECT setval('changelog_seq_seq', GREATEST((SELECT MAX(seq) FROM changelog), 1))")
        op.execute("ALTER TABLE changelog ALTER COLUMN seq SET DEFAULT nextval('changelog_seq_seq')")
    op.drop_table('changecounter')
