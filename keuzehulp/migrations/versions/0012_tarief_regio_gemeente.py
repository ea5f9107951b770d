"""a tarief names the region whose model has its product, and may name one gemeente

Every tarief so far is Twente's (its products are the Twents model's), so existing rows get regio
'twente' and no gemeente: one price for the whole region, as before. Going back drops both columns;
it refuses while a tarief of another region or of one gemeente exists, as those would lose their
meaning.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tarief', schema=None) as batch_op:
        batch_op.add_column(sa.Column('regio', sa.String(), nullable=False, server_default='twente'))
        batch_op.add_column(sa.Column('gemeente', sa.String(), nullable=True))


def downgrade() -> None:
    others = op.get_bind().execute(
        sa.text("SELECT count(*) FROM tarief WHERE regio <> 'twente' OR gemeente IS NOT NULL")
    ).scalar()
    if others:
        raise RuntimeError(
            f"{others} tarieven horen bij een andere regio dan Twente of bij één gemeente; "
            "verwijder ze eerst, want zonder regio en gemeente verliezen ze hun betekenis."
        )
    with op.batch_alter_table('tarief', schema=None) as batch_op:
        batch_op.drop_column('gemeente')
        batch_op.drop_column('regio')
