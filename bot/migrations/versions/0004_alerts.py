"""Sales alerts: lead owner and recommendation, an outbox row per channel, round-robin
counters, and visitors' ratings of knowledge answers.
"""
import sqlalchemy as sa
from alembic import op

from bot.migrations.columns import key, timestamp

revision = "0004_alerts"
down_revision = "0003_hardening"

RECOMMENDATIONS = "'managed_services', 'it_outsourcing', 'staff_augmentation', 'mix'"


def upgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.add_column(sa.Column("owner", sa.String(100), nullable=True))
        batch.add_column(sa.Column("recommendation", sa.String(32), nullable=True))
        batch.create_check_constraint("ck_leads_recommendation", f"recommendation IN ({RECOMMENDATIONS})")
        batch.create_index("ix_leads_owner", ["owner"])

    # The outbox held webhook posts only, with a copy of the lead; now one row per lead
    # and channel, and the message is built from the lead when it is sent.
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("channel", sa.String(16), nullable=False, server_default="webhook"))
        batch.add_column(sa.Column("priority", sa.Integer, nullable=False, server_default="1"))
        batch.drop_constraint("uq_outbox_lead_id", type_="unique")
        batch.create_unique_constraint("uq_outbox_lead_channel", ["lead_id", "channel"])
        batch.create_check_constraint("ck_outbox_channel", "channel IN ('webhook', 'email', 'slack')")
        batch.drop_column("payload")
    op.execute(
        "UPDATE outbox SET priority = 0 WHERE lead_id IN (SELECT id FROM leads WHERE qualified = true)"
    )

    op.create_table(
        "routing_counters",
        sa.Column("team", sa.String(100), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
    )

    op.create_table(
        "answer_ratings",
        key(),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("message_at", sa.Float, nullable=False),
        sa.Column("response", sa.String(100), nullable=True),
        sa.Column("topic", sa.String(32), nullable=True),
        sa.Column("helpful", sa.Boolean, nullable=False),
        sa.Column("created_at", timestamp(), nullable=False),
        sa.UniqueConstraint("conversation_id", "message_at", name="uq_answer_ratings_message"),
    )
    op.create_index("ix_answer_ratings_created_at", "answer_ratings", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_answer_ratings_created_at", table_name="answer_ratings")
    op.drop_table("answer_ratings")
    op.drop_table("routing_counters")
    # Back to one webhook row per lead: other channels' rows cannot be kept.
    op.execute("DELETE FROM outbox WHERE channel <> 'webhook'")
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("payload", sa.JSON, nullable=False, server_default="{}"))
        batch.drop_constraint("ck_outbox_channel", type_="check")
        batch.drop_constraint("uq_outbox_lead_channel", type_="unique")
        batch.create_unique_constraint("uq_outbox_lead_id", ["lead_id"])
        batch.drop_column("priority")
        batch.drop_column("channel")
    with op.batch_alter_table("leads") as batch:
        batch.drop_index("ix_leads_owner")
        batch.drop_constraint("ck_leads_recommendation", type_="check")
        batch.drop_column("recommendation")
        batch.drop_column("owner")
