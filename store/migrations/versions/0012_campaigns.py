"""campaigns: a coupon for a segment of customers with a notice through the outbox; who
unsubscribed from marketing messages; when each chat account last wrote (WeChat's 48-hour
window) and whether the platform said it can no longer be reached

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 07:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import store.types

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('segment', sa.JSON(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('threshold_cents', sa.BigInteger(), nullable=False),
    sa.Column('valid_days', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('matched', sa.Integer(), nullable=False),
    sa.Column('reachable', sa.Integer(), nullable=False),
    sa.Column('opted_out', sa.Integer(), nullable=False),
    sa.Column('unreachable', sa.Integer(), nullable=False),
    sa.Column('enrolled_after', sa.Integer(), nullable=False),
    sa.Column('enrolled', sa.Boolean(), nullable=False),
    sa.Column('started_at', store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', store.types.UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaigns_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaigns_status'), ['status'], unique=False)

    op.create_table('campaign_recipients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('coupon_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('done_at', store.types.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], ),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('campaign_id', 'customer_id', name='uq_campaign_recipient')
    )
    with op.batch_alter_table('campaign_recipients', schema=None) as batch_op:
        batch_op.create_index('ix_campaign_recipients_pending', ['campaign_id', 'outcome'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_recipients_customer_id'), ['customer_id'], unique=False)

    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('marketing_opt_out_at', store.types.UtcDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('identities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_inbound_at', store.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('unreachable_at', store.types.UtcDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('identities', schema=None) as batch_op:
        batch_op.drop_column('unreachable_at')
        batch_op.drop_column('last_inbound_at')

    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_column('marketing_opt_out_at')

    with op.batch_alter_table('campaign_recipients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_recipients_customer_id'))
        batch_op.drop_index('ix_campaign_recipients_pending')

    op.drop_table('campaign_recipients')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaigns_status'))
        batch_op.drop_index(batch_op.f('ix_campaigns_created_at'))

    op.drop_table('campaigns')
