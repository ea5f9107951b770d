"""contracts and consultaties name the region model's codes: (perceel, product, variant)

Twente's OB 1-4 becomes product '1'-'4' and its niveau the variant, unchanged; Regio Nijmegen's
products are codes such as 'jeugd-ggz'. Going back works while every product is a number.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 14:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

TABLES = ('contract', 'consultatie')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                'ob',
                new_column_name='product',
                existing_type=sa.Integer(),
                type_=sa.String(),
                existing_nullable=True,
                postgresql_using='ob::varchar',
            )
            batch_op.alter_column(
                'niveau', new_column_name='variant', existing_type=sa.String(length=1), type_=sa.String()
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                'product',
                new_column_name='ob',
                existing_type=sa.String(),
                type_=sa.Integer(),
                existing_nullable=True,
                postgresql_using='product::integer',
            )
            batch_op.alter_column(
                'variant', new_column_name='niveau', existing_type=sa.String(), type_=sa.String(length=1)
            )
