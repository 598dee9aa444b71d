"""Service catalogue: services, service_aliases, sla_tiers."""

from alembic import op
import sqlalchemy as sa

from bot.migrations.columns import key, parent, required, strings, timestamp

revision = "0001_catalogue"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "services",
        key(),
        *required(
            slug=sa.String(64), name=sa.String(120), side=sa.String(32), themes=sa.JSON,
            description=sa.Text, billing_model=sa.String(32), price_amount=sa.Numeric(12, 2),
            currency=sa.String(3), price_unit=sa.String(32), billing_note=sa.Text,
            engagement=sa.String(200), position=sa.Integer, active=sa.Boolean, updated_at=timestamp(),
        ),
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
        key(),
        parent("service_id", "services"),
        *strings(nullable=False, alias=200, kind=16),
        sa.UniqueConstraint("alias", name="uq_service_aliases_alias"),
    )
    op.create_index("ix_service_aliases_service_id", "service_aliases", ["service_id"])
    op.create_table(
        "sla_tiers",
        key(),
        parent("service_id", "services"),
        sa.Column("position", sa.Integer, nullable=False),
        *strings(nullable=False, name=64, response_time=32, availability=32),
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
