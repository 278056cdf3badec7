"""order renewal of: ``orders.renewal_of``, the placement a renewal continues (placed from
the renewal offer days ahead: paid by ``payments.renewal_pay_before_hours`` before it starts,
as a recurring visit's order is by ``recurring_pay_before_hours``)

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07 14:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0031'
down_revision: str | None = '0030'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('renewal_of', sa.Integer(), nullable=True))


def downgrade() -> None:
    # a plain DROP COLUMN on SQLite too (3.35+), as 0034's: a recreating batch copies the
    # table and drops the old one, which fails on the rows that refer to its orders (events,
    # quote lines, payments…)
    with op.batch_alter_table('orders', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('renewal_of')
