"""points: every movement of a customer's points (earnings are lots that expire), what each
spending took from which lot, the level a customer was last told of, and review photos

Points a customer already held become one lot that never expires, with its journal against
the points liability at the default rate (100 points = ¥1, one fen a point): the ledger
owes what the balances are worth from the start.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 05:10:24.381362
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import store.types

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('points_movements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('balance', sa.Integer(), nullable=False),
    sa.Column('at', store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('expires_at', store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('points_left', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('points_movements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_points_movements_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index('ix_points_movements_lots', ['customer_id', 'points_left'], unique=False)
        batch_op.create_index(batch_op.f('ix_points_movements_order_id'), ['order_id'], unique=False)

    op.create_table('points_uses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('movement_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['lot_id'], ['points_movements.id'], ),
    sa.ForeignKeyConstraint(['movement_id'], ['points_movements.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('points_uses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_points_uses_movement_id'), ['movement_id'], unique=False)

    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('member_level', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False, server_default=sa.text("'regular'")))

    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('photos', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))

    _opening_balances()


def _opening_balances() -> None:
    """Each balance held before points had movements: one lot, and its journal."""
    bind = op.get_bind()
    held = bind.execute(sa.text("SELECT id, points FROM customers WHERE points > 0")).all()
    if not held:
        return
    at = store.types.UtcDateTime(timezone=True)
    movements = sa.table(
        'points_movements',
        sa.column('customer_id'), sa.column('kind'), sa.column('points'), sa.column('balance'),
        sa.column('at', at), sa.column('key'), sa.column('points_left'),
    )
    ledger = sa.table(
        'ledger_entries',
        sa.column('journal'), sa.column('account'), sa.column('amount_cents'),
        sa.column('at', at), sa.column('memo'),
    )
    now = datetime.now(UTC)
    for customer_id, points in held:
        bind.execute(movements.insert().values(
            customer_id=customer_id, kind='granted', points=points, balance=points, at=now,
            key=f'opening:{customer_id}', points_left=points,
        ))
        for account, amount in (('points_expense', points), ('points_liability', -points)):
            bind.execute(ledger.insert().values(
                journal=f'points:opening:{customer_id}', account=account, amount_cents=amount,
                at=now, memo='points held before movements were kept',
            ))


def downgrade() -> None:
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_column('photos')

    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_column('member_level')

    with op.batch_alter_table('points_uses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_points_uses_movement_id'))

    op.drop_table('points_uses')
    with op.batch_alter_table('points_movements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_points_movements_order_id'))
        batch_op.drop_index('ix_points_movements_lots')
        batch_op.drop_index(batch_op.f('ix_points_movements_expires_at'))

    op.drop_table('points_movements')
