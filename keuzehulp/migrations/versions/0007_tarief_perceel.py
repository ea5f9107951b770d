"""tarief per perceel: an OB tarief is for jeugd or for Wmo

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 12:00:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tarief', schema=None) as batch_op:
        batch_op.add_column(sa.Column('perceel', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    # An OB tarief was for jeugd and Wmo alike: it becomes one per perceel that has the OB
    # (OB1 and OB2: jeugd and Wmo; OB3 and OB4: jeugd only). A dakje keeps one tarief for both.
    op.execute(
        "INSERT INTO tarief (soort, perceel, code, bedrag_centen, geldig_vanaf, geldig_tot) "
        "SELECT soort, 'wmo', code, bedrag_centen, geldig_vanaf, geldig_tot FROM tarief "
        "WHERE soort = 'ob' AND (code LIKE '1%' OR code LIKE '2%')"
    )
    op.execute("UPDATE tarief SET perceel = 'jeugd' WHERE soort = 'ob' AND perceel IS NULL")


def downgrade() -> None:
    op.execute("DELETE FROM tarief WHERE perceel = 'wmo'")
    with op.batch_alter_table('tarief', schema=None) as batch_op:
        batch_op.drop_column('perceel')
