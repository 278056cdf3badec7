"""conversation checkpoints: a turn's conversation state committed with its writes

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 22:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import store.types

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'conversation_checkpoints',
        sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.Column('message_id', sa.Text(), nullable=False),
        sa.Column('state_enc', sa.LargeBinary(), nullable=False),
        sa.Column('replies_enc', sa.LargeBinary(), nullable=False),
        sa.Column('saved_at', store.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('channel', 'user_id'),
    )
    with op.batch_alter_table('conversation_checkpoints', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_conversation_checkpoints_saved_at'), ['saved_at'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('conversation_checkpoints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversation_checkpoints_saved_at'))
    op.drop_table('conversation_checkpoints')
