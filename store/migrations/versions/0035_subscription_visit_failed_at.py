"""subscription visit failed at: ``subscriptions.visit_failed_at`` — when making the next
visit's order first failed unexpectedly (an error, not a rule's refusal); the sweep tries
again until ``booking.recurring_retry_minutes`` after it, then skips the visit. NULL while the
visit has not failed; cleared whenever the next visit moves on

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-07 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.types

revision: str = '0035'
down_revision: str | None = '0034'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('visit_failed_at', store.types.UtcDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.drop_column('visit_failed_at')
