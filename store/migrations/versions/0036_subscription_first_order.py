"""subscription first order: ``subscriptions.first_order_id`` — the order a recurring booking
was set up from. The sweep makes no visit's order until that order has been paid, and the
booking ends when that order is cancelled before it was ever paid. NULL for the bookings set
up before: they go on as they did

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-08 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0036'
down_revision: str | None = '0035'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_order_id', sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_subscriptions_first_order_id'), ['first_order_id'], unique=False
        )


def downgrade() -> None:
    # in place on SQLite too (3.35+), as 0031's: nothing refers to the column
    with op.batch_alter_table('subscriptions', schema=None, recreate='never') as batch_op:
        batch_op.drop_index(batch_op.f('ix_subscriptions_first_order_id'))
        batch_op.drop_column('first_order_id')
