"""surcharges: on-site extra charges a worker asks for during the job and the customer
approves, declines or lets lapse (their lines and photos with them)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 10:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import store.types

revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('surcharges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('lines', sa.JSON(), nullable=False),
    sa.Column('photos', sa.JSON(), nullable=False),
    sa.Column('requested_at', store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('answer_by', store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('answered_at', store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('payment_reference', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('surcharges', schema=None) as batch_op:
        batch_op.create_index('ix_surcharges_due', ['status', 'answer_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_surcharges_order_id'), ['order_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('surcharges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_surcharges_order_id'))
        batch_op.drop_index('ix_surcharges_due')

    op.drop_table('surcharges')
