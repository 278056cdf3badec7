"""payout card hash: ``payout_accounts.number_hash``, a keyed hash of a bank card's number
(the PII key's lookup hash, as ``phone_hash``), unique among the accounts that have one — one
card is one worker's payout account

The accounts saved before have none (the key is not the migration's): ``serve`` and ``demo``
fill them in at start (``store.migrate.hash_card_numbers``).

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 14:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0030'
down_revision: str | None = '0029'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('payout_accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default=''))
        batch_op.create_index(
            'ux_payout_accounts_number_hash',
            ['number_hash'],
            unique=True,
            sqlite_where=sa.text("number_hash <> ''"),
            postgresql_where=sa.text("number_hash <> ''"),
        )


def downgrade() -> None:
    with op.batch_alter_table('payout_accounts', schema=None) as batch_op:
        batch_op.drop_index('ux_payout_accounts_number_hash')
        batch_op.drop_column('number_hash')
