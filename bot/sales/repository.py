"""Saving, reading and forgetting leads.

save_lead writes contact, lead and outbox row in one transaction and is idempotent per
conversation: the unique constraint on leads.conversation_id decides races, so two
action-server workers (or a retried request) can never create a second lead.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Union

from sqlalchemy import create_engine, delete, inspect, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import db, settings
from bot.advisor import handoff
from bot.sales import scoring, validation
from bot.sales.models import Contact, Lead, OutboxItem, as_utc, utcnow

log = logging.getLogger(__name__)

DEFAULT_CONSENT_TEXT = (
    "I agree that the company may store my details and contact me about my enquiry."
)
# Contact upserts race too (same e-mail, two conversations); a few retries settle it.
_MAX_TRIES = 5


class ConsentRequired(ValueError):
    """save_lead was called without the visitor's consent."""


@dataclass
class LeadInput:
    """What the lead form collected. Free text is accepted for the bucketed fields."""

    conversation_id: str
    name: str
    email: str | None  # may be None when a phone number is given
    consent: bool
    consent_text: str | None = None
    company: str | None = None
    company_size: str | None = None
    service: str | None = None
    sourcing_model: str | None = None
    budget: str | None = None
    timeline: str | None = None
    role: str | None = None
    phone: str | None = None
    phone_region: str | None = None  # ISO region for numbers typed without +CC
    page_url: str | None = None
    recommendation: str | None = None  # the sourcing advisor's model, when the visitor asked for advice
    advice: dict | None = None  # the advice behind it: reasons, services, what it depends on


def _clean(value: str | None, limit: int = 200) -> str | None:
    value = " ".join((value or "").split())
    return value[:limit] or None


def _build_lead(data: LeadInput) -> Lead:
    """Validate and score; raises InvalidInput / ConsentRequired before any SQL."""
    if data.consent is not True:
        raise ConsentRequired("A lead can only be saved after the visitor has given consent.")
    if not (data.conversation_id or "").strip():
        raise validation.InvalidInput("A lead needs the conversation it came from.")
    name = _clean(data.name)
    if not name:
        raise validation.InvalidInput("Please tell me your name.")
    # An e-mail is the normal contact route; a phone number alone is enough too.
    email, free_mail = validation.validate_email(data.email) if _clean(data.email) else (None, False)
    phone = validation.validate_phone(data.phone, data.phone_region) if _clean(data.phone) else None
    if not (email or phone):
        raise validation.InvalidInput(
            "Please leave an e-mail address or a phone number so our team can reach you."
        )
    fields = dict(
        company_size=validation.parse_company_size(data.company_size or ""),
        budget=validation.parse_budget(data.budget or ""),
        timeline=validation.parse_timeline(data.timeline or ""),
        role=validation.parse_role(data.role or ""),
        service=_clean(data.service, 64),
        sourcing_model=_clean(data.sourcing_model, 32),
    )
    result = scoring.score_lead(free_mail=free_mail, has_email=email is not None, **fields)
    advice = handoff.sanitized({**(data.advice or {}), "recommendation": data.recommendation})
    now = utcnow()
    return Lead(
        created_at=now,
        updated_at=now,
        name=name,
        email=email,
        email_domain=email.rsplit("@", 1)[1] if email else None,
        company=_clean(data.company),
        phone=phone,
        consent=True,
        consent_text=(data.consent_text or DEFAULT_CONSENT_TEXT).strip(),
        consent_at=now,
        score=result.score,
        reasons=list(result.reasons),
        qualified=result.qualified,
        conversation_id=data.conversation_id.strip()[:255],
        page_url=(data.page_url or None),
        recommendation=advice["recommendation"] if advice else None,
        advice={k: v for k, v in advice.items() if k != "recommendation"} if advice else None,
        **fields,
    )


def lead_to_dict(lead: Lead) -> dict:
    """The lead as sales sees it (CLI JSON, CSV, webhook payload)."""
    return {
        "id": lead.id,
        "created_at": as_utc(lead.created_at).isoformat(),
        "name": lead.name,
        "email": lead.email,
        "company": lead.company,
        "company_size": lead.company_size,
        "service": lead.service,
        "sourcing_model": lead.sourcing_model,
        "budget": lead.budget,
        "timeline": lead.timeline,
        "role": lead.role,
        "phone": lead.phone,
        "consent": bool(lead.consent),
        "consent_text": lead.consent_text,
        "consent_at": as_utc(lead.consent_at).isoformat(),
        "score": lead.score,
        "qualified": bool(lead.qualified),
        "reasons": list(lead.reasons or []),
        "conversation_id": lead.conversation_id,
        "page_url": lead.page_url,
        "contact_id": lead.contact_id,
        "recommendation": lead.recommendation,
        "advice": lead.advice,
    }


def _existing(session: Session, conversation_id: str) -> Lead | None:
    return session.scalars(select(Lead).where(Lead.conversation_id == conversation_id)).first()


def contact_key(email: str | None, phone: str | None) -> str:
    """What makes two leads the same person: the e-mail, else the phone number."""
    return f"email:{email}" if email else f"phone:{phone}"


def _upsert_contact(session: Session, lead: Lead) -> Contact:
    key = contact_key(lead.email, lead.phone)
    contact = session.scalars(select(Contact).where(Contact.key == key)).first()
    if contact is None:
        contact = Contact(key=key, email=lead.email, email_domain=lead.email_domain)
        session.add(contact)
    # Newest details win; a blank answer never wipes an older one.
    contact.name = lead.name or contact.name
    contact.company = lead.company or contact.company
    contact.phone = lead.phone or contact.phone
    contact.updated_at = utcnow()
    return contact


def _save_once(session: Session, data: LeadInput, webhook_url: str | None) -> Lead:
    lead = _existing(session, data.conversation_id.strip()[:255])
    if lead is not None:
        return lead
    lead = _build_lead(data)
    lead.contact = _upsert_contact(session, lead)
    session.add(lead)
    session.flush()  # assigns lead.id; raises IntegrityError on a lost race
    if webhook_url:
        session.add(OutboxItem(lead_id=lead.id, payload=lead_to_dict(lead), attempts=0,
                               next_attempt_at=lead.created_at, created_at=lead.created_at))
    session.commit()
    lead.created_now = True
    return lead


def save_lead(target: Union[Session, Engine, None], data: LeadInput) -> Lead:
    """Store a consented lead, or return the lead already stored for its conversation.

    target: a Session (committed here; must hold no other pending work), an Engine,
    or None for the default sales database. Raises ConsentRequired or
    validation.InvalidInput (with a hint for the visitor) before touching the database.
    The returned Lead has created_now=True only when this call inserted it.
    """
    _build_lead(data)  # validate early: no transaction is opened for bad input
    webhook_url = os.environ.get("SALES_WEBHOOK_URL") or None
    own = not isinstance(target, Session)
    session = Session(bind=target or db.get_engine(), future=True, expire_on_commit=False) if own else target
    try:
        for attempt in range(_MAX_TRIES):
            try:
                return _save_once(session, data, webhook_url)
            except IntegrityError:
                # Another transaction inserted this conversation's lead or this
                # e-mail's contact first: start over and find what it wrote.
                session.rollback()
                log.debug("lead save raced (attempt %d), retrying", attempt + 1)
        lead = _existing(session, data.conversation_id.strip()[:255])
        if lead is None:
            raise RuntimeError("could not save the lead after repeated conflicts")
        return lead
    except BaseException:
        session.rollback()
        raise
    finally:
        if own:
            session.close()


def list_leads(session: Session, qualified: bool | None = None) -> list[Lead]:
    """Newest first; qualified=True/False filters."""
    query = select(Lead).order_by(Lead.created_at.desc(), Lead.id.desc())
    if qualified is not None:
        query = query.where(Lead.qualified.is_(qualified))
    return list(session.scalars(query))


def get_lead(session: Session, lead_id: int) -> Lead | None:
    return session.get(Lead, lead_id)


def _forget_tracker(conversation_ids: list[str], tracker_url: str) -> int:
    """Delete the conversations from Rasa's SQL tracker store; 0 if it has no events table."""
    if not conversation_ids:
        return 0
    engine = create_engine(tracker_url, future=True)
    try:
        if not inspect(engine).has_table("events"):
            return 0
        deleted = 0
        with engine.begin() as conn:
            for cid in conversation_ids:
                deleted += conn.execute(
                    text("DELETE FROM events WHERE sender_id = :sid"), {"sid": cid}
                ).rowcount
        return deleted
    finally:
        engine.dispose()


def _identify(email_or_phone: str) -> tuple[str, str | None, str | None]:
    """(contact key, e-mail, phone) for what sales typed after `forget`."""
    text = (email_or_phone or "").strip()
    if "@" in text:
        try:
            email = validation.validate_email(text)[0]
        except validation.InvalidInput:
            email = text.lower()  # still erase whatever was stored under the literal text
        return contact_key(email, None), email, None
    try:
        phone = validation.validate_phone(text)
    except validation.InvalidInput:
        raise validation.InvalidInput(
            f"{text!r} is neither an e-mail address nor a phone number with country code"
        ) from None
    return contact_key(None, phone), None, phone


def forget(email: str, engine: Engine | None = None, tracker_url: str | None = None) -> dict[str, int]:
    """Erase a person: their leads, contact, outbox rows and tracked conversations.

    `email` may also be a phone number (+CC...) for visitors who left no e-mail.
    Returns counts: {"leads", "contacts", "outbox", "events"}.
    """
    key, address, phone = _identify(email)
    with db.session_scope(engine or db.get_engine()) as session:
        same = (Contact.email == address) if address else (Contact.phone == phone)
        contact_ids = list(session.scalars(select(Contact.id).where((Contact.key == key) | same)))
        lead_filter = (Lead.email == address) if address else (Lead.phone == phone)
        if contact_ids:
            lead_filter = lead_filter | Lead.contact_id.in_(contact_ids)
        leads = session.execute(select(Lead.id, Lead.conversation_id).where(lead_filter)).all()
        lead_ids = [row.id for row in leads]
        counts = {"leads": 0, "contacts": 0, "outbox": 0, "events": 0}
        if lead_ids:
            counts["outbox"] = session.execute(
                delete(OutboxItem).where(OutboxItem.lead_id.in_(lead_ids))
            ).rowcount
            counts["leads"] = session.execute(delete(Lead).where(Lead.id.in_(lead_ids))).rowcount
        if contact_ids:
            counts["contacts"] = session.execute(
                delete(Contact).where(Contact.id.in_(contact_ids))
            ).rowcount
    # After the sales rows are gone: a tracker failure must not resurrect them.
    counts["events"] = _forget_tracker(
        [row.conversation_id for row in leads], tracker_url or settings.tracker_db_url()
    )
    return counts
