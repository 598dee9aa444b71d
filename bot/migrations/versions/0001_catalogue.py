"""Service catalogue: services, service_aliases, sla_tiers.

Revision ID: 0001_catalogue
Revises:
Create Date: 2024-01-01
"""
from alembic import op
import sqlalchemy as sa

revision = "0001_catalogue"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "services",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("side", sa.String(32), nullable=False),
        sa.Column("themes", sa.JSON, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("billing_model", sa.String(32), nullable=False),
        sa.Column("price_amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("price_unit", sa.String(32), nullable=False),
        sa.Column("billing_note", sa.Text, nullable=False),
        sa.Column("engagement", sa.String(200), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("side IN ('managed_services', 'it_outsourcing')", name="ck_services_side"),
        sa.CheckConstraint(
            "billing_model IN ('subscription', 'fixed_price', 'time_and_material')",
            name="ck_services_billing_model",
        ),
        sa.CheckConstraint("price_amount >= 0", name="ck_services_price_amount"),
        sa.UniqueConstraint("slug", name="uq_services_slug"),
    )
    op.create_table(
        "service_aliases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "service_id", sa.Integer, sa.ForeignKey("services.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("alias", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.UniqueConstraint("alias", name="uq_service_aliases_alias"),
    )
    op.create_index("ix_service_aliases_service_id", "service_aliases", ["service_id"])
    op.create_table(
        "sla_tiers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "service_id", sa.Integer, sa.ForeignKey("services.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("response_time", sa.String(32), nullable=False),
        sa.Column("availability", sa.String(32), nullable=False),
        sa.Column("hours", sa.String(64), nullable=True),
        sa.UniqueConstraint("service_id", "name", name="uq_sla_tiers_service_name"),
    )
    op.create_index("ix_sla_tiers_service_id", "sla_tiers", ["service_id"])


def downgrade() -> None:
    op.drop_index("ix_sla_tiers_service_id", table_name="sla_tiers")
    op.drop_table("sla_tiers")
    op.drop_index("ix_service_aliases_service_id", table_name="service_aliases")
    op.drop_table("service_aliases")
    op.drop_table("services")
