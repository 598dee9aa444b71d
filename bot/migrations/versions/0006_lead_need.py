"""Lead form: the need a visitor described in words when no catalogue service matched.

leads: need (the visitor's own words, at most 300 characters; `service` holds only catalogue
slugs).
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_lead_need"
down_revision = "0005_advisor"


def upgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.add_column(sa.Column("need", sa.String(300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.drop_column("need")
