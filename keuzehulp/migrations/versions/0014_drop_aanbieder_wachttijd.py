"""drop the aanbieder-wide wachttijd: figures per kind of help replace it (0013 carried it over)

Going back adds the two columns again, filled with each aanbieder's soonest start of its figures for
every gemeente and the newest confirmation date among those.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 19:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('aanbieder', schema=None) as batch_op:
        batch_op.drop_column('wachttijd_bevestigd_op')
        batch_op.drop_column('wachttijd_weken')


def downgrade() -> None:
    with op.batch_alter_table('aanbieder', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wachttijd_weken', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('wachttijd_bevestigd_op', sa.Date(), nullable=True))
    op.execute(
        "UPDATE aanbieder SET"
        " wachttijd_weken = (SELECT MIN(b.weken_start) FROM beschikbaarheid b"
        "  WHERE b.aanbieder_id = aanbieder.id AND b.gemeente_id IS NULL),"
        " wachttijd_bevestigd_op = (SELECT MAX(b.bevestigd_op) FROM beschikbaarheid b"
        "  WHERE b.aanbieder_id = aanbieder.id AND b.gemeente_id IS NULL AND b.weken_start IS NOT NULL)"
    )
