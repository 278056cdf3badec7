"""long placements: one contract (its period: start, end, days, live-in, daily hours, days of
the week) per placement order, its billing periods (amount, due, asked, settled) and its replacements
(asked with a reason, handed over on a date)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 10:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import store.types

revision: str = '0024'
down_revision: str | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('placements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('start_at', store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('end_at', store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('live_in', sa.Boolean(), nullable=False),
    sa.Column('daily_hours', sa.Integer(), nullable=False),
    sa.Column('weekdays', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('replacements_used', sa.Integer(), nullable=False),
    sa.Column('created_at', store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('renewal_offered_at', store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('interview_at', store.types.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('order_id')
    )
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placements_customer_id'), ['customer_id'], unique=False)

    op.create_table('placement_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('starts_at', store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('due_at', store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('reminded_at', store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('settled_at', store.types.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['placement_id'], ['placements.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('placement_id', 'seq')
    )
    with op.batch_alter_table('placement_periods', schema=None) as batch_op:
        batch_op.create_index('ix_placement_periods_due', ['reminded_at', 'due_at'], unique=False)
        batch_op.create_index('ix_placement_periods_end', ['settled_at', 'ends_at'], unique=False)

    op.create_table('placement_handovers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('from_worker_id', sa.Integer(), nullable=False),
    sa.Column('to_worker_id', sa.Integer(), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('asked_by', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('asked_at', store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('handover_on', sa.Date(), nullable=True),
    sa.Column('done_at', store.types.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['placement_id'], ['placements.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('placement_handovers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placement_handovers_placement_id'), ['placement_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('placement_handovers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placement_handovers_placement_id'))

    op.drop_table('placement_handovers')
    with op.batch_alter_table('placement_periods', schema=None) as batch_op:
        batch_op.drop_index('ix_placement_periods_end')
        batch_op.drop_index('ix_placement_periods_due')

    op.drop_table('placement_periods')
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placements_customer_id'))

    op.drop_table('placements')
