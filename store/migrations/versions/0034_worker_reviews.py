"""workers' reviews: ``workers.reviews`` — how many customers rated the worker, kept with their
average at each rating, so that a customer reads a worker nobody has rated yet as new rather
than the 5.0 and 100% dispatch starts everyone at; filled from the customers' ``ratings``

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-07 15:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0034'
down_revision: str | None = '0033'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # a plain ADD COLUMN, also on SQLite (a batch with a default written as SQL would copy the
    # table, and dropping the old one fails on the rows that refer to its workers)
    op.add_column('workers', sa.Column('reviews', sa.Integer(), nullable=False, server_default='0'))
    op.execute(
        "UPDATE workers SET reviews = (SELECT count(*) FROM ratings"
        " WHERE ratings.worker_id = workers.id AND ratings.rater = 'customer')"
    )


def downgrade() -> None:
    # a plain DROP COLUMN on SQLite too (3.35+), for the same reason: a recreating batch drops
    # the old table, which fails on the rows that refer to its workers (identities, orders…)
    with op.batch_alter_table('workers', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('reviews')
