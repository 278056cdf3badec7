"""prepaid cards: customers' visit cards (``prepaid_cards``), the visit each order took
(``card_visits``), and payments that belong to a card's purchase instead of an order
(``payments.card_id``; ``payments.order_id`` may then be empty — exactly one of them is set)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 07:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import store.types

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('prepaid_cards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('name', sa.JSON(), nullable=False),
    sa.Column('item_ids', sa.JSON(), nullable=False),
    sa.Column('paid_visits', sa.Integer(), nullable=False),
    sa.Column('free_visits', sa.Integer(), nullable=False),
    sa.Column('price_cents', sa.BigInteger(), nullable=False),
    sa.Column('valid_days', sa.Integer(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('visits_left', sa.Integer(), nullable=False),
    sa.Column('deferred_cents', sa.BigInteger(), nullable=False),
    sa.Column('created_at', store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('paid_at', store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('valid_until', store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('reminded_at', store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('units_per_visit', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('prepaid_cards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_prepaid_cards_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index('ix_prepaid_cards_status_until', ['status', 'valid_until'], unique=False)

    op.create_table('card_visits',
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('card_id', sa.Integer(), nullable=False),
    sa.Column('value_cents', sa.BigInteger(), nullable=False),
    sa.Column('used_at', store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('returned_at', store.types.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['card_id'], ['prepaid_cards.id'], ),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ),
    sa.PrimaryKeyConstraint('order_id')
    )
    with op.batch_alter_table('card_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_card_visits_card_id'), ['card_id'], unique=False)

    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('card_id', sa.Integer(), nullable=True))
        batch_op.alter_column('order_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_payments_card_id'), ['card_id'], unique=False)
        batch_op.create_foreign_key('fk_payments_card_id', 'prepaid_cards', ['card_id'], ['id'])
        batch_op.create_check_constraint(
            'ck_payment_owner', '(order_id IS NULL) <> (card_id IS NULL)'
        )


def downgrade() -> None:
    op.execute("DELETE FROM payments WHERE card_id IS NOT NULL")
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_constraint('ck_payment_owner', type_='check')
        batch_op.drop_constraint('fk_payments_card_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_payments_card_id'))
        batch_op.alter_column('order_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('card_id')

    with op.batch_alter_table('card_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_card_visits_card_id'))

    op.drop_table('card_visits')
    with op.batch_alter_table('prepaid_cards', schema=None) as batch_op:
        batch_op.drop_index('ix_prepaid_cards_status_until')
        batch_op.drop_index(batch_op.f('ix_prepaid_cards_customer_id'))

    op.drop_table('prepaid_cards')
