"""invoices: several per order (a deposit, then the balance paid later, each invoiced when
asked): the unique order id becomes an index; each request's ``amount_cents`` is what it
covers, and a new one is stored only while the order's paid less refunded, less what its
invoices cover, still holds it (``store.invoices_repo``)

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 14:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0029'
down_revision: str | None = '0028'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_NAMES = {'uq': 'uq_%(table_name)s_%(column_0_name)s'}
"""0011 left the unique constraint unnamed: on SQLite the batch copy names it by this
convention to drop it; PostgreSQL named it ``invoices_order_id_key``, as this migration's
downgrade names it on both."""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        # unnamed as 0011 made it, or named by this migration's downgrade (down and up again)
        name = next(
            (
                u['name']
                for u in sa.inspect(bind).get_unique_constraints('invoices')
                if u['column_names'] == ['order_id'] and u['name']
            ),
            'uq_invoices_order_id',
        )
        with op.batch_alter_table(
            'invoices', schema=None, naming_convention=SQLITE_NAMES
        ) as batch_op:
            batch_op.drop_constraint(name, type_='unique')
            batch_op.create_index(batch_op.f('ix_invoices_order_id'), ['order_id'], unique=False)
        return
    op.drop_constraint('invoices_order_id_key', 'invoices', type_='unique')
    op.create_index(op.f('ix_invoices_order_id'), 'invoices', ['order_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoices_order_id'))
        batch_op.create_unique_constraint('invoices_order_id_key', ['order_id'])
