"""visit codes: the digits a customer tells the worker at the door, wrong tries, and when the
right one was entered (orders placed before have none and check in as before)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 08:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import store.types

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'visit_code',
                sqlmodel.sql.sqltypes.AutoString(length=8),
                nullable=False,
                server_default='',
            )
        )
        batch_op.add_column(
            sa.Column('visit_code_misses', sa.Integer(), nullable=False, server_default='0')
        )
        batch_op.add_column(
            sa.Column('visit_code_ok_at', store.types.UtcDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('visit_code_ok_at')
        batch_op.drop_column('visit_code_misses')
        batch_op.drop_column('visit_code')
