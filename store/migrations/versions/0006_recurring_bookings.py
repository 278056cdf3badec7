"""recurring bookings: a subscription keeps its bundle; one order per subscription visit

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('bundle_id', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True)
        )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index(
            'uq_orders_subscription_visit', ['subscription_id', 'start_at'], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('uq_orders_subscription_visit')
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.drop_column('bundle_id')
