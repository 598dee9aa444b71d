"""Catalogue tables: services, their aliases (for matching) and SLA tiers.

The schema itself is created by the Alembic revisions 0001_catalogue and 0005_advisor
(pricing and terms); these models must stay in step with them.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship
from sqlalchemy.types import TypeDecorator

from bot.db import Base, utcnow


def normalize_alias(text: str) -> str:
    """The form aliases are stored and compared in.

    Lower case, accents folded, "&" read as "and", every other non-alphanumeric run
    a single space: "SOC-as-a-Service" and "soc as a service" are the same alias.
    """
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    text = text.lower().replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


class Money(TypeDecorator):
    """NUMERIC(12, 2) read back as a Decimal in cents on every backend.

    SQLite has no decimal type and SQLAlchemy warns on each read; prices have two
    decimals and stay far below 2**53 cents, so the float round trip, quantized back
    to cents here, is exact.
    """

    impl = Numeric(12, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(Numeric(12, 2, asdecimal=False))
        return dialect.type_descriptor(Numeric(12, 2))

    def process_bind_param(self, value, dialect):
        return None if value is None else Decimal(value)

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


class Service(Base):
    __tablename__ = "services"
    __table_args__ = (
        CheckConstraint("side IN ('managed_services', 'it_outsourcing')", name="ck_services_side"),
        CheckConstraint(
            "billing_model IN ('subscription', 'fixed_price', 'time_and_material')",
            name="ck_services_billing_model",
        ),
        CheckConstraint("price_amount >= 0", name="ck_services_price_amount"),
        CheckConstraint("extra_unit_price >= 0", name="ck_services_extra_unit_price"),
        CheckConstraint("included_quantity >= 1", name="ck_services_included_quantity"),
        UniqueConstraint("slug", name="uq_services_slug"),
    )

    id = Column(Integer, primary_key=True)
    slug = Column(String(64), nullable=False)
    name = Column(String(120), nullable=False)
    side = Column(String(32), nullable=False)
    # A handful of short tags per service; filtered in Python (the catalogue is small).
    themes = Column(JSON, nullable=False, default=list)
    description = Column(Text, nullable=False)
    billing_model = Column(String(32), nullable=False)
    price_amount = Column(Money, nullable=False)
    currency = Column(String(3), nullable=False)
    price_unit = Column(String(32), nullable=False)
    billing_note = Column(Text, nullable=False, default="")
    engagement = Column(String(200), nullable=False, default="")
    # Pricing and terms for estimates (revision 0005_advisor): the base price covers
    # included_quantity units of quantity_unit; each extra unit costs extra_unit_price a month.
    included_quantity = Column(Integer, nullable=True)
    quantity_unit = Column(String(32), nullable=True)
    extra_unit_price = Column(Money, nullable=True)
    minimum_term_months = Column(Integer, nullable=True)
    notice_days = Column(Integer, nullable=True)
    vat_note = Column(String(200), nullable=True)
    # Order of the YAML file, so lists read the way the catalogue author wrote them.
    position = Column(Integer, nullable=False, default=0)
    # Services dropped from the YAML are deactivated, not deleted: leads may refer to them.
    active = Column(Boolean, nullable=False, default=True)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)

    aliases = relationship(
        "ServiceAlias", back_populates="service", cascade="all, delete-orphan", order_by="ServiceAlias.alias"
    )
    sla_tiers = relationship(
        "SlaTierRow", back_populates="service", cascade="all, delete-orphan", order_by="SlaTierRow.position"
    )


class ServiceAlias(Base):
    """One way of naming a service, stored as normalize_alias(text); unique catalogue-wide."""

    __tablename__ = "service_aliases"
    __table_args__ = (UniqueConstraint("alias", name="uq_service_aliases_alias"),)

    id = Column(Integer, primary_key=True)
    service_id = Column(Integer, ForeignKey("services.id", ondelete="CASCADE"), nullable=False, index=True)
    alias = Column(String(200), nullable=False)
    kind = Column(String(16), nullable=False)

    service = relationship("Service", back_populates="aliases")


class SlaTierRow(Base):
    __tablename__ = "sla_tiers"
    __table_args__ = (UniqueConstraint("service_id", "name", name="uq_sla_tiers_service_name"),)

    id = Column(Integer, primary_key=True)
    service_id = Column(Integer, ForeignKey("services.id", ondelete="CASCADE"), nullable=False, index=True)
    position = Column(Integer, nullable=False, default=0)
    name = Column(String(64), nullable=False)
    response_time = Column(String(32), nullable=False)
    availability = Column(String(32), nullable=False)
    hours = Column(String(64), nullable=True)
    price = Column(Money, nullable=True)  # the monthly base price at this tier (0005_advisor)

    service = relationship("Service", back_populates="sla_tiers")
