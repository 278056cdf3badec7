"""worker documents by path: ``Workers.documents_named`` (the unsent uploads' sweep keeps
what a worker's documents name) reads ``worker_certificates`` by ``file_ref``, an index
rather than the whole table

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 12:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0028'
down_revision: str | None = '0027'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('worker_certificates', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_worker_certificates_file_ref'), ['file_ref'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('worker_certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_worker_certificates_file_ref'))
