"""Sales: contacts, leads, outbox."""

from alembic import op
import sqlalchemy as sa

from bot.migrations.columns import created_and_updated, key, optional, parent, required, strings, timestamp

revision = "0002_sales"
down_revision = "0001_catalogue"


def upgrade() -> None:
    op.create_table(
        "contacts",
        key(),
        sa.Column("key", sa.String(300), nullable=False),
        *strings(nullable=True, email=254, email_domain=253, name=200, company=200, phone=20),
        *created_and_updated(),
        sa.UniqueConstraint("key", name="uq_contacts_key"),
        sa.UniqueConstraint("email", name="uq_contacts_email"),
    )
    op.create_table(
        "leads",
        key(),
        *created_and_updated(),
        sa.Column("name", sa.String(200), nullable=False),
        *strings(
            nullable=True, email=254, email_domain=253, company=200, company_size=16, service=64,
            sourcing_model=32, budget=32, timeline=32, role=32, phone=20,
        ),
        *required(
            consent=sa.Boolean, consent_text=sa.Text, consent_at=timestamp(), score=sa.Integer,
            reasons=sa.JSON, qualified=sa.Boolean, conversation_id=sa.String(255),
        ),
        sa.Column("page_url", sa.Text, nullable=True),
        parent("contact_id", "contacts", constraint="fk_leads_contact_id"),
        sa.UniqueConstraint("conversation_id", name="uq_leads_conversation_id"),
        sa.CheckConstraint("email IS NOT NULL OR phone IS NOT NULL", name="ck_leads_reachable"),
    )
    op.create_index("ix_leads_created_at", "leads", ["created_at"])
    op.create_index("ix_leads_email", "leads", ["email"])
    op.create_index("ix_leads_qualified", "leads", ["qualified"])
    op.create_index("ix_leads_contact_id", "leads", ["contact_id"])
    op.create_table(
        "outbox",
        key(),
        parent("lead_id", "leads", constraint="fk_outbox_lead_id"),
        *required(payload=sa.JSON, attempts=sa.Integer, next_attempt_at=timestamp()),
        *optional(delivered_at=timestamp(), last_error=sa.Text),
        sa.Column("created_at", timestamp(), nullable=False),
        sa.UniqueConstraint("lead_id", name="uq_outbox_lead_id"),
    )
    op.create_index("ix_outbox_next_attempt_at", "outbox", ["next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_next_attempt_at", table_name="outbox")
    op.drop_table("outbox")
    for name in ("ix_leads_contact_id", "ix_leads_qualified", "ix_leads_email", "ix_leads_created_at"):
        op.drop_index(name, table_name="leads")
    op.drop_table("leads")
    op.drop_table("contacts")
