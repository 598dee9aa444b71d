"""Sales tables: contacts, leads, the alert outbox and the round-robin counters.

The schema is created by the Alembic revisions 0002_sales, 0003_hardening, 0004_alerts and
0005_advisor; these models must stay in step with them (tests/test_sales_schema.py compares
them). Times are stored in UTC (SQLite hands them back naive: use as_utc()).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import overload

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import relationship

from bot.db import Base, utcnow
from bot.sales.fields import ANSWERS

RECOMMENDATIONS = ("managed_services", "it_outsourcing", "staff_augmentation", "mix")


@overload
def as_utc(value: datetime) -> datetime: ...
@overload
def as_utc(value: None) -> None: ...
def as_utc(value: datetime | None) -> datetime | None:
    """Aware UTC datetime whatever the database returned."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class Contact(Base):
    """One person, keyed by e-mail: a returning visitor's new lead links here.

    Visitors who leave only a phone number are keyed by that number instead, so `key`
    ("email:anna@acme.com" or "phone:+4930123456") is what the unique constraint holds.
    Nobody verifies what a visitor types, so a contact keeps the name, company and phone
    of its first lead: a later lead with the same address cannot rewrite them. Each lead
    keeps its own values; sales read the newest ones on the lead.
    """

    __tablename__ = "contacts"
    __table_args__ = (
        UniqueConstraint("key", name="uq_contacts_key"),
        UniqueConstraint("email", name="uq_contacts_email"),
    )

    id = Column(Integer, primary_key=True)
    key = Column(String(300), nullable=False)
    email = Column(String(254), nullable=True)
    email_domain = Column(String(253), nullable=True)
    name = Column(String(200), nullable=True)
    company = Column(String(200), nullable=True)
    phone = Column(String(20), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)

    leads = relationship("Lead", back_populates="contact")


# The columns holding the lead form's answers, one per stored field (bot.sales.fields: service,
# need, sourcing_model, company_size, budget, timeline, role, ...): a mixin, whose columns
# SQLAlchemy copies into Lead. A field added there comes with its migration.
LeadAnswers = type(
    "LeadAnswers",
    (),
    {
        spec.stored.column: Column(String(spec.stored.length), nullable=True)
        for spec in ANSWERS
        if spec.stored
    },
)


class Lead(LeadAnswers, Base):  # type: ignore[misc, valid-type]
    __tablename__ = "leads"
    __table_args__ = (
        # One lead per conversation: the database, not the caller, enforces idempotency.
        UniqueConstraint("conversation_id", name="uq_leads_conversation_id"),
        CheckConstraint("email IS NOT NULL OR phone IS NOT NULL", name="ck_leads_reachable"),
        CheckConstraint(
            "recommendation IN (" + ", ".join(f"'{value}'" for value in RECOMMENDATIONS) + ")",
            name="ck_leads_recommendation",
        ),
    )

    id = Column(Integer, primary_key=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)
    name = Column(String(200), nullable=False)
    email = Column(String(254), nullable=True, index=True)  # None: phone only
    email_domain = Column(String(253), nullable=True)
    company = Column(String(200), nullable=True)
    # the answers (LeadAnswers): `service` a catalogue slug (no FK, the catalogue is reseeded),
    # `need` the visitor's own words when no catalogue service matched (revision 0006_lead_need)
    phone = Column(String(20), nullable=True)  # E.164
    consent = Column(Boolean, nullable=False)
    consent_text = Column(Text, nullable=False)
    consent_at = Column(DateTime(timezone=True), nullable=False)
    score = Column(Integer, nullable=False)
    reasons = Column(JSON, nullable=False, default=list)
    qualified = Column(Boolean, nullable=False, index=True)
    conversation_id = Column(String(255), nullable=False)
    page_url = Column(Text, nullable=True)
    client_key = Column(String(64), nullable=True, index=True)  # from the channel, for the throttle
    # the sourcing advisor's advice, when the visitor asked for it first (revision 0005_advisor)
    advice = Column(JSON, nullable=True)  # {"reasons": [...], "services": [...], "depends_on": [...]}
    contact_id = Column(Integer, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False, index=True)
    # Who in sales follows the lead up: chosen by bot.sales.routing when it is saved.
    owner = Column(String(100), nullable=True, index=True)
    # The advisor's recommendation (RECOMMENDATIONS), when the conversation produced one.
    recommendation = Column(String(32), nullable=True)

    contact = relationship("Contact", back_populates="leads")

    # Not a column: save_lead sets it to True on the instance it has just inserted.
    created_now = False


class Incident(Base):
    """A part of the assistant that stopped answering (the action server), from its first failure
    to its recovery. At most one is open per kind, also with several Rasa replicas: so operators
    get one alert per outage (bot.sales.incidents), not one per message."""

    __tablename__ = "incidents"
    __table_args__ = (
        CheckConstraint("kind IN ('action_server_down')", name="ck_incidents_kind"),
        Index(
            "uq_incidents_open_kind",
            "kind",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
        ),
    )

    id = Column(Integer, primary_key=True)
    kind = Column(String(32), nullable=False)
    opened_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    closed_at = Column(DateTime(timezone=True), nullable=True)


class OutboxItem(Base):
    """One alert to deliver on one channel, for one lead (written in the lead's transaction) or
    one incident (written when it opens).

    The message itself is built from the lead when it is sent (bot.sales.alerts), so an
    advisor's recommendation added later shows, and forgetting a lead forgets its alerts.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        # One alert per lead (or incident) and channel: a retried save cannot queue a second one.
        UniqueConstraint("lead_id", "channel", name="uq_outbox_lead_channel"),
        UniqueConstraint("incident_id", "channel", name="uq_outbox_incident_channel"),
        CheckConstraint("channel IN ('webhook', 'email', 'slack')", name="ck_outbox_channel"),
        CheckConstraint(
            "(lead_id IS NOT NULL AND incident_id IS NULL) OR (lead_id IS NULL AND incident_id IS NOT NULL)",
            name="ck_outbox_subject",
        ),
    )

    id = Column(Integer, primary_key=True)
    lead_id = Column(Integer, ForeignKey("leads.id", ondelete="CASCADE"), nullable=True)
    incident_id = Column(Integer, ForeignKey("incidents.id", ondelete="CASCADE"), nullable=True)
    channel = Column(String(16), nullable=False)
    priority = Column(Integer, nullable=False, default=1)  # 0: a qualified lead, sent first
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    delivered_at = Column(DateTime(timezone=True), nullable=True)
    last_error = Column(Text, nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class RoutingCounter(Base):
    """Where round-robin stands in each team: the next lead goes to member position % size."""

    __tablename__ = "routing_counters"

    team = Column(String(100), primary_key=True)
    position = Column(Integer, nullable=False, default=0)
