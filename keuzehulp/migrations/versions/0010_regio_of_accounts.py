"""accounts, import batches and audit lines belong to a region (one installation, several regions)

Beheerders and wijkteams get a region (a wijkteam the region of its gemeenten), aanbieder staff
none. Every existing import batch and audit line was made while the installation served one
region, so they get that region: Twente (or, without Twente, the region with the lowest id).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 09:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

TABLES = ('gebruiker', 'importbatch', 'auditregel')
FIRST_REGIO = (
    "COALESCE((SELECT id FROM regio WHERE slug = 'twente'), (SELECT MIN(id) FROM regio))"
)


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('regio_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_regio_id'), ['regio_id'], unique=False)
            batch_op.create_foreign_key(f'fk_{table}_regio_id_regio', 'regio', ['regio_id'], ['id'])
    op.execute(
        "UPDATE gebruiker SET regio_id = COALESCE(("
        "SELECT MIN(gemeente.regio_id) FROM gebruikergemeente "
        "JOIN gemeente ON gemeente.id = gebruikergemeente.gemeente_id "
        f"WHERE gebruikergemeente.gebruiker_id = gebruiker.id), {FIRST_REGIO}) "
        "WHERE rol IN ('beheerder', 'wijkteam')"
    )
    op.execute(f"UPDATE importbatch SET regio_id = {FIRST_REGIO}")
    op.execute(f"UPDATE auditregel SET regio_id = {FIRST_REGIO}")


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f'fk_{table}_regio_id_regio', type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_regio_id'))
            batch_op.drop_column('regio_id')
