"""Incidents: the action server stopped answering, from its first failure to its recovery, with
one outbox row per alert channel (operators get one alert per outage, not one per message).

incidents: kind, opened_at, closed_at; at most one open per kind (a partial unique index).
outbox: incident_id (an alert is about a lead or an incident, never both).
"""

import sqlalchemy as sa
from alembic import op

from bot.migrations.columns import key, timestamp

revision = "0007_incidents"
down_revision = "0006_lead_need"

OPEN = sa.text("closed_at IS NULL")


def upgrade() -> None:
    op.create_table(
        "incidents",
        key(),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("opened_at", timestamp(), nullable=False),
        sa.Column("closed_at", timestamp(), nullable=True),
        sa.CheckConstraint("kind IN ('action_server_down')", name="ck_incidents_kind"),
    )
    op.create_index(
        "uq_incidents_open_kind", "incidents", ["kind"], unique=True, sqlite_where=OPEN, postgresql_where=OPEN
    )
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("lead_id", existing_type=sa.Integer, nullable=True)
        batch.add_column(sa.Column("incident_id", sa.Integer, nullable=True))
        batch.create_foreign_key(
            "fk_outbox_incident_id_incidents", "incidents", ["incident_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_unique_constraint("uq_outbox_incident_channel", ["incident_id", "channel"])
        batch.create_check_constraint(
            "ck_outbox_subject",
            "(lead_id IS NOT NULL AND incident_id IS NULL) OR (lead_id IS NULL AND incident_id IS NOT NULL)",
        )


def downgrade() -> None:
    op.execute("DELETE FROM outbox WHERE incident_id IS NOT NULL")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint("ck_outbox_subject", type_="check")
        batch.drop_constraint("uq_outbox_incident_channel", type_="unique")
        batch.drop_constraint("fk_outbox_incident_id_incidents", type_="foreignkey")
        batch.drop_column("incident_id")
        batch.alter_column("lead_id", existing_type=sa.Integer, nullable=False)
    op.drop_index("uq_incidents_open_kind", table_name="incidents")
    op.drop_table("incidents")
