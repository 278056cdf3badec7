"""worker deposits: when a worker left, and when their deposit was paid back (the deposit
itself lives in the ledger, ``worker_deposit:{id}``)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 10:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.types

revision: str = '0023'
down_revision: str | None = '0022'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('workers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('left_at', store.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('deposit_released_at', store.types.UtcDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # plain DROP COLUMNs on SQLite too (3.35+), as 0034's: a recreating batch copies the table
    # and drops the old one, which fails on the rows that refer to its workers (identities,
    # orders…)
    with op.batch_alter_table('workers', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('deposit_released_at')
        batch_op.drop_column('left_at')
