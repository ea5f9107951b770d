"""coördinatiepunt connection of an aanbieder; maatregelhulp lines get a validity period

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 01:10:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('aanbieder', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('coordinatiepunt', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # Ambulante spoedhulp needs the connection to the coördinatiepunt: the demo data had both.
    op.execute("UPDATE aanbieder SET coordinatiepunt = ambulante_spoedhulp")
    # The unique constraint gains geldig_vanaf; it had no name, so the table is rebuilt.
    op.create_table(
        'maatregelhulp_nieuw',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('aanbieder_id', sa.Integer(), nullable=False),
        sa.Column('gemeente_id', sa.Integer(), nullable=False),
        sa.Column('soort', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('geldig_vanaf', sa.Date(), nullable=False),
        sa.Column('geldig_tot', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['aanbieder_id'], ['aanbieder.id']),
        sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('aanbieder_id', 'gemeente_id', 'soort', 'geldig_vanaf'),
    )
    # Existing lines run from the aanbieder's first contract in that gemeente.
    op.execute(
        "INSERT INTO maatregelhulp_nieuw (id, aanbieder_id, gemeente_id, soort, geldig_vanaf) "
        "SELECT m.id, m.aanbieder_id, m.gemeente_id, m.soort, COALESCE(("
        "SELECT MIN(c.geldig_vanaf) FROM contract c "
        "WHERE c.aanbieder_id = m.aanbieder_id AND c.gemeente_id = m.gemeente_id), '2024-01-01') "
        "FROM maatregelhulp m"
    )
    op.drop_table('maatregelhulp')
    op.rename_table('maatregelhulp_nieuw', 'maatregelhulp')
    with op.batch_alter_table('maatregelhulp', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maatregelhulp_aanbieder_id'), ['aanbieder_id'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            "SELECT setval(pg_get_serial_sequence('maatregelhulp', 'id'), "
            "COALESCE((SELECT MAX(id) FROM maatregelhulp), 0) + 1, false)"
        )


def downgrade() -> None:
    op.execute(
        "DELETE FROM maatregelhulp WHERE id NOT IN "
        "(SELECT MIN(id) FROM maatregelhulp GROUP BY aanbieder_id, gemeente_id, soort)"
    )
    with op.batch_alter_table('maatregelhulp', schema=None) as batch_op:
        batch_op.drop_column('geldig_tot')
        batch_op.drop_column('geldig_vanaf')
    with op.batch_alter_table('aanbieder', schema=None) as batch_op:
        batch_op.drop_column('coordinatiepunt')
