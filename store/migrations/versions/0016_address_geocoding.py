"""address geocoding: how far an address's point may be from the place (a map pin: 0; a
district known only from the text: its radius) and who located it (pin, amap, tencent,
offline). Addresses saved before keep "" and are located from their text when dispatched.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 07:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('addresses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('uncertainty_m', sa.Integer(), nullable=False, server_default=sa.text("'0'")))
        batch_op.add_column(sa.Column('located_by', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default=sa.text("''")))


def downgrade() -> None:
    with op.batch_alter_table('addresses', schema=None) as batch_op:
        batch_op.drop_column('located_by')
        batch_op.drop_column('uncertainty_m')
