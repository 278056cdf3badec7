"""member levels kept: ``customers.member_level_until`` — a level reached is kept until then
whatever the spend does (``domain.membership.standing``); NULL (every level so far) follows
the spend: a level above regular without it is reviewed by the next ``ReviewMemberLevels``

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07 14:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.types

revision: str = '0032'
down_revision: str | None = '0031'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        'customers',
        sa.Column('member_level_until', store.types.UtcDateTime(timezone=True), nullable=True),
    )
    op.create_index(
        op.f('ix_customers_member_level_until'), 'customers', ['member_level_until'], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_customers_member_level_until'), table_name='customers')
    # a plain DROP COLUMN on SQLite too (3.35+; its index is gone), as 0034's: a recreating
    # batch copies the table and drops the old one, which fails on the rows that refer to its
    # customers (orders, addresses, identities…)
    with op.batch_alter_table('customers', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('member_level_until')
