"""support tickets: "联系客服" opens a ticket (customer, channel, open/taken/closed, who took
it, first-response and closed times, SLA alert step, the customer's rating) and its messages
both ways, their text encrypted.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 08:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import store.types

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('support_tickets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('taken_by', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('created_at', store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('first_response_at', store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('alert_level', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('support_tickets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_tickets_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index('ix_support_tickets_status', ['status'], unique=False)
    op.create_table('ticket_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('at', store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('sender', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('by', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('text_enc', sa.LargeBinary(), nullable=False),
    sa.Column('photo', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['support_tickets.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ticket_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_messages_ticket_id'), ['ticket_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ticket_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_messages_ticket_id'))
    op.drop_table('ticket_messages')
    with op.batch_alter_table('support_tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_support_tickets_status')
        batch_op.drop_index(batch_op.f('ix_support_tickets_customer_id'))
    op.drop_table('support_tickets')
