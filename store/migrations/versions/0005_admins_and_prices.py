"""admins added in chat, catalog price changes, shared throttles; order events and price
changes made append-only like the audit log

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import store.types

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("order_events", "price_changes")


def upgrade() -> None:
    op.create_table('admins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('added_by', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('added_at', store.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('channel', 'user_id', name='uq_admin_account')
    )
    op.create_table('price_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('old_cents', sa.BigInteger(), nullable=False),
    sa.Column('new_cents', sa.BigInteger(), nullable=False),
    sa.Column('changed_by', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('changed_at', store.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('price_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_changes_item_id'), ['item_id'], unique=False)

    op.create_table('throttles',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('next_at', store.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    for table in APPEND_ONLY:
        _append_only(table)


def _append_only(table: str) -> None:
    """Refuse UPDATE and DELETE on ``table`` in the database itself (as 0001 does for
    audit_log): an order's trail and the price history are evidence, never edited."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{table} is append-only'; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
        )
    else:
        for name in ("update", "delete"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{name} BEFORE {name.upper()} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def downgrade() -> None:
    for table in APPEND_ONLY:
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    op.drop_table('throttles')
    with op.batch_alter_table('price_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_price_changes_item_id'))

    op.drop_table('price_changes')
    op.drop_table('admins')
