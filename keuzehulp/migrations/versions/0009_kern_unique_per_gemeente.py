"""kern slugs unique per gemeente: the country repeats names (Beuningen in Losser, gemeente Beuningen)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 12:00:00
"""

from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('kern', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kern_slug'))
        batch_op.create_index(batch_op.f('ix_kern_slug'), ['slug'], unique=False)
        batch_op.create_unique_constraint('uq_kern_gemeente_slug', ['gemeente_id', 'slug'])


def downgrade() -> None:
    with op.batch_alter_table('kern', schema=None) as batch_op:
        batch_op.drop_constraint('uq_kern_gemeente_slug', type_='unique')
        batch_op.drop_index(batch_op.f('ix_kern_slug'))
        batch_op.create_index(batch_op.f('ix_kern_slug'), ['slug'], unique=True)
