"""relay messages: the masked relay chat between an order's customer and worker (who sent
it, when, the text and a shared location encrypted, a photo's media key)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 10:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import store.types

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('relay_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('at', store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('sender', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('text_enc', sa.LargeBinary(), nullable=False),
    sa.Column('photo', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('location_enc', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('relay_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_relay_messages_order_id'), ['order_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('relay_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relay_messages_order_id'))
    op.drop_table('relay_messages')
