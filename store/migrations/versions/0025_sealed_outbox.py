"""sealed outbox: a waiting message's replies and template message sealed with the PII key
(``replies_enc``, ``template_enc``); the plain ``replies`` and ``template`` stay for the rows
queued before, which are still read and delivered

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 17:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0025'
down_revision: str | None = '0024'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('replies_enc', sa.LargeBinary(), nullable=False, server_default=sa.text("''")))
        batch_op.add_column(sa.Column('template_enc', sa.LargeBinary(), nullable=False, server_default=sa.text("''")))


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('template_enc')
        batch_op.drop_column('replies_enc')
