"""coupon limits: promo codes (a total and a number per customer, each use one of the
customer's coupons, linked by ``coupons.promo_id``) and the customer's birthday

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 07:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import store.types

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('promo_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('off_bp', sa.Integer(), nullable=False),
    sa.Column('threshold_cents', sa.BigInteger(), nullable=False),
    sa.Column('max_off_cents', sa.BigInteger(), nullable=True),
    sa.Column('valid_from', store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('valid_until', store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('total_limit', sa.Integer(), nullable=False),
    sa.Column('per_customer', sa.Integer(), nullable=False),
    sa.Column('issued', sa.Integer(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('coupons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('promo_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_coupons_promo_id'), ['promo_id'], unique=False)
        batch_op.create_foreign_key('fk_coupons_promo_id', 'promo_codes', ['promo_id'], ['id'])
    # plain ALTERs: SQLite cannot recreate ``customers`` (other tables refer to it)
    op.add_column(
        'customers',
        sa.Column(
            'birthday',
            sqlmodel.sql.sqltypes.AutoString(length=5),
            nullable=False,
            server_default=sa.text("''"),
        ),
    )
    op.add_column(
        'customers',
        sa.Column('birthday_set_at', store.types.UtcDateTime(timezone=True), nullable=True),
    )
    op.create_index(op.f('ix_customers_birthday'), 'customers', ['birthday'], unique=False)

def downgrade() -> None:
    op.drop_index(op.f('ix_customers_birthday'), table_name='customers')
    op.drop_column('customers', 'birthday_set_at')
    op.drop_column('customers', 'birthday')
    with op.batch_alter_table('coupons', schema=None) as batch_op:
        batch_op.drop_constraint('fk_coupons_promo_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_coupons_promo_id'))
        batch_op.drop_column('promo_id')
    op.drop_table('promo_codes')
