"""Advisor: pricing and terms in the catalogue; the advice stored with a lead.

services: included_quantity, quantity_unit, extra_unit_price, minimum_term_months,
notice_days, vat_note; sla_tiers: price (monthly base price per tier).
leads: advice (JSON: reasons, services, what it depends on); the recommendation itself is
leads.recommendation from 0004_alerts.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_advisor"
down_revision = "0004_alerts"

def upgrade() -> None:
    # batch mode: SQLite can only add check constraints by rebuilding the table
    with op.batch_alter_table("services") as batch:
        batch.add_column(sa.Column("included_quantity", sa.Integer, nullable=True))
        batch.add_column(sa.Column("quantity_unit", sa.String(32), nullable=True))
        batch.add_column(sa.Column("extra_unit_price", sa.Numeric(12, 2), nullable=True))
        batch.add_column(sa.Column("minimum_term_months", sa.Integer, nullable=True))
        batch.add_column(sa.Column("notice_days", sa.Integer, nullable=True))
        batch.add_column(sa.Column("vat_note", sa.String(200), nullable=True))
        batch.create_check_constraint("ck_services_extra_unit_price", "extra_unit_price >= 0")
        batch.create_check_constraint("ck_services_included_quantity", "included_quantity >= 1")
    with op.batch_alter_table("sla_tiers") as batch:
        batch.add_column(sa.Column("price", sa.Numeric(12, 2), nullable=True))
    with op.batch_alter_table("leads") as batch:
        batch.add_column(sa.Column("advice", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.drop_column("advice")
    with op.batch_alter_table("sla_tiers") as batch:
        batch.drop_column("price")
    with op.batch_alter_table("services") as batch:
        batch.drop_constraint("ck_services_included_quantity", type_="check")
        batch.drop_constraint("ck_services_extra_unit_price", type_="check")
        for column in (
            "vat_note",
            "notice_days",
            "minimum_term_months",
            "extra_unit_price",
            "quantity_unit",
            "included_quantity",
        ):
            batch.drop_column(column)
