"""Sales: contacts, leads, outbox.

Revision ID: 0002_sales
Revises: 0001_catalogue
Create Date: 2024-01-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0002_sales"
down_revision = "0001_catalogue"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("email_domain", sa.String(253), nullable=True),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("company", sa.String(200), nullable=True),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("key", name="uq_contacts_key"),
        sa.UniqueConstraint("email", name="uq_contacts_email"),
    )
    op.create_table(
        "leads",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("email_domain", sa.String(253), nullable=True),
        sa.Column("company", sa.String(200), nullable=True),
        sa.Column("company_size", sa.String(16), nullable=True),
        sa.Column("service", sa.String(64), nullable=True),
        sa.Column("sourcing_model", sa.String(32), nullable=True),
        sa.Column("budget", sa.String(32), nullable=True),
        sa.Column("timeline", sa.String(32), nullable=True),
        sa.Column("role", sa.String(32), nullable=True),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("consent", sa.Boolean, nullable=False),
        sa.Column("consent_text", sa.Text, nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("qualified", sa.Boolean, nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("page_url", sa.Text, nullable=True),
        sa.Column(
            "contact_id",
            sa.Integer,
            sa.ForeignKey("contacts.id", ondelete="CASCADE", name="fk_leads_contact_id"),
            nullable=False,
        ),
        sa.UniqueConstraint("conversation_id", name="uq_leads_conversation_id"),
        sa.CheckConstraint("email IS NOT NULL OR phone IS NOT NULL", name="ck_leads_reachable"),
    )
    op.create_index("ix_leads_created_at", "leads", ["created_at"])
    op.create_index("ix_leads_email", "leads", ["email"])
    op.create_index("ix_leads_qualified", "leads", ["qualified"])
    op.create_index("ix_leads_contact_id", "leads", ["contact_id"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "lead_id",
            sa.Integer,
            sa.ForeignKey("leads.id", ondelete="CASCADE", name="fk_outbox_lead_id"),
            nullable=False,
        ),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
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
