"""order photos by path: ``Photos.named`` (the media sweeps keep what an order names) reads
``order_photos`` by ``path``, an index rather than the whole table

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 11:40:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0027'
down_revision: str | None = '0026'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('order_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_photos_path'), ['path'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('order_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_photos_path'))
