"""after-sales and outbox

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 02:25:13.999348
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import store.types

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('lang', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('event', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('replies', sa.JSON(), nullable=False),
    sa.Column('template', sa.JSON(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('claimed_until', store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_outbox_recipient', ['channel', 'user_id', 'status'], unique=False)

    op.create_table('subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('lang', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('selections', sa.JSON(), nullable=False),
    sa.Column('address_id', sa.Integer(), nullable=True),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('at_time', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('notes_enc', sa.LargeBinary(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('next_start_at', store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('created_at', store.types.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['address_id'], ['addresses.id'], ),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subscriptions_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index('ix_subscriptions_due', ['active', 'next_start_at'], unique=False)

    op.create_table('complaints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=True),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('photos', sa.JSON(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('created_at', store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('first_response_at', store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('resolution', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('refund_cents', sa.BigInteger(), nullable=False),
    sa.Column('resolved_by', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('escalation_level', sa.Integer(), nullable=False),
    sa.Column('coupon_issued', sa.Boolean(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaints_order_id'), ['order_id'], unique=False)
        batch_op.create_index('ix_complaints_status', ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_worker_id'), ['worker_id'], unique=False)

    op.create_table('ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('rater', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('response', sa.Integer(), nullable=False),
    sa.Column('skill', sa.Integer(), nullable=False),
    sa.Column('attitude', sa.Integer(), nullable=False),
    sa.Column('care', sa.Integer(), nullable=False),
    sa.Column('overall_x100', sa.Integer(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('created_at', store.types.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('order_id', 'rater', name='uq_rating_order_rater')
    )
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ratings_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_ratings_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ratings_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ratings_worker_id'), ['worker_id'], unique=False)

    op.create_table('job_runs',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('started_at', store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('report', sa.Text(), server_default='', nullable=False),
    sa.PrimaryKeyConstraint('name', 'period')
    )
    op.create_table('spot_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('created_at', store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('order_id')
    )
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rating_x100', sa.Integer(), nullable=False, server_default='500'))

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminded_day_at', store.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reminded_hour_at', store.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('confirm_reminded_at', store.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('subscription_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('rework_of', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('hold_reason', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False, server_default=''))

    with op.batch_alter_table('workers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credit_score', sa.Integer(), nullable=False, server_default='100'))
        batch_op.add_column(sa.Column('complaint_rate_bp', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('level_reviewed_at', store.types.UtcDateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('hold_reason')
        batch_op.drop_column('rework_of')
        batch_op.drop_column('subscription_id')

    with op.batch_alter_table('workers', schema=None) as batch_op:
        batch_op.drop_column('level_reviewed_at')
        batch_op.drop_column('complaint_rate_bp')
        batch_op.drop_column('credit_score')
        batch_op.drop_column('confirm_reminded_at')
        batch_op.drop_column('reminded_hour_at')
        batch_op.drop_column('reminded_day_at')

    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_column('rating_x100')

    op.drop_table('spot_checks')
    op.drop_table('job_runs')
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ratings_worker_id'))
        batch_op.drop_index(batch_op.f('ix_ratings_order_id'))
        batch_op.drop_index(batch_op.f('ix_ratings_customer_id'))
        batch_op.drop_index(batch_op.f('ix_ratings_created_at'))

    op.drop_table('ratings')
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaints_worker_id'))
        batch_op.drop_index('ix_complaints_status')
        batch_op.drop_index(batch_op.f('ix_complaints_order_id'))

    op.drop_table('complaints')
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.drop_index('ix_subscriptions_due')
        batch_op.drop_index(batch_op.f('ix_subscriptions_customer_id'))

    op.drop_table('subscriptions')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_recipient')
        batch_op.drop_index('ix_outbox_due')

    op.drop_table('outbox')
