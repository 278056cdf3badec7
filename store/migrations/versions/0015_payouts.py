"""payouts: a worker's payout account (bank card or WeChat wallet, encrypted), and on each
withdrawal where its transfer went, when it was sent and the provider's reference

Withdrawals already paid or waiting keep what they were; an approved one not paid yet is paid
by the payout sweep once its worker has an account.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 07:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import store.types

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('payout_accounts',
    sa.Column('worker_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('bank', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('number_enc', sa.LargeBinary(), nullable=False),
    sa.Column('holder_enc', sa.LargeBinary(), nullable=False),
    sa.Column('updated_at', store.types.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], ),
    sa.PrimaryKeyConstraint('worker_id')
    )
    with op.batch_alter_table('withdrawals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payout_kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('paid_to', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('sent_at', store.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('payout_ref', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('withdrawals', schema=None) as batch_op:
        batch_op.drop_column('payout_ref')
        batch_op.drop_column('sent_at')
        batch_op.drop_column('paid_to')
        batch_op.drop_column('payout_kind')
    op.drop_table('payout_accounts')
