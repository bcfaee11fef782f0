"""Questions by manager: an index on (team_id, manager_id, asked_at) for App Home and the digest.

Without statistics SQLite picked the one-column team_id index for a manager's questions and
read the whole workspace's history; this index makes the manager's reads proportional to
their own team.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.create_index('ix_questions_manager', ['team_id', 'manager_id', 'asked_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index('ix_questions_manager')
