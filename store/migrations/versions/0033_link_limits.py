"""link limits: ``link_limits`` — codes to join a chat account ("绑定") counted per window
(the asking chat account's hour, the phone number's hour and day) and the lockouts after too
many wrong codes, shared by every process (``store.link_limits_repo``)

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import store.types

revision: str = '0033'
down_revision: str | None = '0032'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'link_limits',
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('until', store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('key', 'until'),
    )
    op.create_index(op.f('ix_link_limits_until'), 'link_limits', ['until'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_link_limits_until'), table_name='link_limits')
    op.drop_table('link_limits')
