"""Sales tables: contacts, leads and the webhook outbox.

The schema is created by the Alembic revisions 0002_sales and 0005_advisor (the advice);
these models must stay in step with them. Times are stored in UTC (SQLite hands them back naive: use as_utc()).
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from bot.db import Base


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(value: datetime | None) -> datetime | None:
    """Aware UTC datetime whatever the database returned."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class Contact(Base):
    """One person, keyed by e-mail: a returning visitor's new lead links here.

    Visitors who leave only a phone number are keyed by that number instead, so `key`
    ("email:anna@acme.com" or "phone:+4930123456") is what the unique constraint holds.
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


class Lead(Base):
    __tablename__ = "leads"
    __table_args__ = (
        # One lead per conversation: the database, not the caller, enforces idempotency.
        UniqueConstraint("conversation_id", name="uq_leads_conversation_id"),
        CheckConstraint("email IS NOT NULL OR phone IS NOT NULL", name="ck_leads_reachable"),
        CheckConstraint(
            "recommendation IN ('managed_services', 'it_outsourcing', 'staff_augmentation', 'mix')",
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
    company_size = Column(String(16), nullable=True)
    service = Column(String(64), nullable=True)  # catalogue slug; no FK, the catalogue is reseeded
    sourcing_model = Column(String(32), nullable=True)
    budget = Column(String(32), nullable=True)
    timeline = Column(String(32), nullable=True)
    role = Column(String(32), nullable=True)
    phone = Column(String(20), nullable=True)  # E.164
    consent = Column(Boolean, nullable=False)
    consent_text = Column(Text, nullable=False)
    consent_at = Column(DateTime(timezone=True), nullable=False)
    score = Column(Integer, nullable=False)
    reasons = Column(JSON, nullable=False, default=list)
    qualified = Column(Boolean, nullable=False, index=True)
    conversation_id = Column(String(255), nullable=False)
    page_url = Column(Text, nullable=True)
    # the sourcing advisor's advice, when the visitor asked for it first (revision 0005_advisor)
    recommendation = Column(String(32), nullable=True)
    advice = Column(JSON, nullable=True)  # {"reasons": [...], "services": [...], "depends_on": [...]}
    contact_id = Column(Integer, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False, index=True)

    contact = relationship("Contact", back_populates="leads")

    # Not a column: save_lead sets it to True on the instance it has just inserted.
    created_now = False


class OutboxItem(Base):
    """A lead waiting to be posted to SALES_WEBHOOK_URL (written in the lead's transaction)."""

    __tablename__ = "outbox"
    __table_args__ = (UniqueConstraint("lead_id", name="uq_outbox_lead_id"),)

    id = Column(Integer, primary_key=True)
    lead_id = Column(Integer, ForeignKey("leads.id", ondelete="CASCADE"), nullable=False)
    payload = Column(JSON, nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    delivered_at = Column(DateTime(timezone=True), nullable=True)
    last_error = Column(Text, nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
