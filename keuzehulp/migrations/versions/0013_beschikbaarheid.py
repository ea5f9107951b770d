"""wachttijd and plek per kind of help, instroomstops and wijkteam subscriptions

An aanbieder's one wachttijd becomes its figure for every kind of help it has a contract line for
(perceel and product; 'dyslexie' for a perceel without products), for all gemeenten, with the same
confirmation date; dakjes get no figure, since the old number never spoke of a place. The history
rows keep no `hulp`: they are the aanbieder-wide figures they were. Going back drops the new tables
and columns; figures per kind of help are lost then, the aanbieder-wide columns are still there.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'beschikbaarheid',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('aanbieder_id', sa.Integer(), nullable=False),
        sa.Column('hulp', sa.String(), nullable=False),
        sa.Column('gemeente_id', sa.Integer(), nullable=True),
        sa.Column('weken_contact', sa.Integer(), nullable=True),
        sa.Column('weken_start', sa.Integer(), nullable=True),
        sa.Column('plekken', sa.Integer(), nullable=True),
        sa.Column('bevestigd_op', sa.Date(), nullable=False),
        sa.Column('gewijzigd_op', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['aanbieder_id'], ['aanbieder.id']),
        sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_beschikbaarheid_aanbieder_id', 'beschikbaarheid', ['aanbieder_id'])
    op.create_index('ix_beschikbaarheid_bevestigd_op', 'beschikbaarheid', ['bevestigd_op'])
    op.create_index(
        'uq_beschikbaarheid_hulp',
        'beschikbaarheid',
        ['aanbieder_id', 'hulp', sa.text('coalesce(gemeente_id, 0)')],
        unique=True,
    )
    op.create_table(
        'instroomstop',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('aanbieder_id', sa.Integer(), nullable=False),
        sa.Column('hulp', sa.String(), nullable=False),
        sa.Column('gemeente_id', sa.Integer(), nullable=True),
        sa.Column('reden', sa.String(), nullable=False),
        sa.Column('vanaf', sa.Date(), nullable=False),
        sa.Column('tot', sa.Date(), nullable=True),
        sa.Column('opgeheven_op', sa.Date(), nullable=True),
        sa.Column('door', sa.String(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['aanbieder_id'], ['aanbieder.id']),
        sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_instroomstop_aanbieder_id', 'instroomstop', ['aanbieder_id'])
    op.create_table(
        'abonnement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('gebruiker_id', sa.Integer(), nullable=False),
        sa.Column('gemeente_id', sa.Integer(), nullable=False),
        sa.Column('hulp', sa.String(), nullable=False),
        sa.Column('soort', sa.String(), nullable=False),
        sa.Column('weken', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['gebruiker_id'], ['gebruiker.id']),
        sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_abonnement_gebruiker_id', 'abonnement', ['gebruiker_id'])
    with op.batch_alter_table('wachttijdmelding', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hulp', sa.String(), nullable=True))
        batch_op.add_column(sa.Column('gemeente_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('weken_contact', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('plekken', sa.Integer(), nullable=True))
        batch_op.alter_column('weken', existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key('fk_wachttijdmelding_gemeente', 'gemeente', ['gemeente_id'], ['id'])
    with op.batch_alter_table('aanbieder', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('beschikbaarheid_versie', sa.Integer(), nullable=False, server_default='1')
        )
    op.execute(
        "INSERT INTO beschikbaarheid (aanbieder_id, hulp, weken_start, bevestigd_op, gewijzigd_op) "
        "SELECT DISTINCT a.id, CASE WHEN c.product IS NULL THEN c.perceel "
        "ELSE c.perceel || '/' || c.product END, a.wachttijd_weken, a.wachttijd_bevestigd_op, "
        "CURRENT_TIMESTAMP FROM aanbieder a JOIN contract c ON c.aanbieder_id = a.id "
        "WHERE a.wachttijd_weken IS NOT NULL AND a.wachttijd_bevestigd_op IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table('aanbieder', schema=None) as batch_op:
        batch_op.drop_column('beschikbaarheid_versie')
    op.execute("DELETE FROM wachttijdmelding WHERE hulp IS NOT NULL")
    with op.batch_alter_table('wachttijdmelding', schema=None) as batch_op:
        batch_op.drop_constraint('fk_wachttijdmelding_gemeente', type_='foreignkey')
        batch_op.alter_column('weken', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('plekken')
        batch_op.drop_column('weken_contact')
        batch_op.drop_column('gemeente_id')
        batch_op.drop_column('hulp')
    op.drop_table('abonnement')
    op.drop_index('uq_beschikbaarheid_hulp', table_name='beschikbaarheid')
    op.drop_table('instroomstop')
    op.drop_table('beschikbaarheid')
