"""Hardening: the client key of each lead, for the lead throttle."""
from alembic import op
import sqlalchemy as sa

revision = "0003_hardening"
down_revision = "0002_sales"


def upgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.add_column(sa.Column("client_key", sa.String(64), nullable=True))
    op.create_index("ix_leads_client_key", "leads", ["client_key"])


def downgrade() -> None:
    op.drop_index("ix_leads_client_key", table_name="leads")
    with op.batch_alter_table("leads") as batch:
        batch.drop_column("client_key")
