"""Saving and reading leads (erasing them: bot.sales.privacy).

save_lead writes contact, lead, its owner's turn and its alerts in one transaction, idempotent per
conversation: the unique constraint on leads.conversation_id decides races, so two
action-server workers (or a retried request) can never create a second lead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, make_dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import db
from bot.advisor import handoff
from bot.db import utcnow
from bot.sales import fields, outbox, routing, sanitize, scoring, throttle, validation
from bot.sales.models import Contact, Lead, as_utc

log = logging.getLogger(__name__)

DEFAULT_CONSENT_TEXT = "I agree that the company may store my details and contact me about my enquiry."
# Contact upserts race too (same e-mail, two conversations); a few retries settle it.
_MAX_TRIES = 5


class ConsentRequired(ValueError):
    """save_lead was called without the visitor's consent."""


@dataclass
class _LeadDetails:
    """What the lead form collected besides its answers: who, how to reach them, where from."""

    conversation_id: str
    name: str
    email: str | None  # may be None when a phone number is given
    consent: bool
    consent_text: str | None = None
    company: str | None = None
    phone: str | None = None
    phone_region: str | None = None  # ISO region for numbers typed without +CC
    page_url: str | None = None
    client_key: str | None = None  # the channel's key for the client, for the throttle
    submitted_at: str | None = None  # ISO time the visitor confirmed (set when spooled)
    recommendation: str | None = None  # the sourcing advisor's model, when the visitor asked for advice
    advice: dict | None = None  # the advice behind it: reasons, services, what it depends on


if TYPE_CHECKING:

    class LeadInput(_LeadDetails):
        """What the lead form collected (the answers are keyword arguments, one per stored field)."""

        def __init__(self, *args: Any, **answers: Any) -> None: ...

        def __getattr__(self, column: str) -> Any: ...

else:
    # The details, plus one field per answer the lead form stores (bot.sales.fields.ANSWERS:
    # service, need, budget, ...). Free text is accepted for the bucketed fields.
    LeadInput = make_dataclass(
        "LeadInput",
        [(spec.stored.column, "str | None", field(default=None)) for spec in fields.ANSWERS],
        bases=(_LeadDetails,),
    )


def _clean(value: str | None, limit: int = 200) -> str | None:
    """Stored text: no escapes or control characters, one line, bounded."""
    return sanitize.plain(value, limit) or None


def _page_url(value: str | None) -> str | None:
    url = _clean(value, 500)
    return url if url and url.lower().startswith(("http://", "https://")) else None


def _submitted_at(data: LeadInput) -> datetime:
    """When the visitor confirmed: now, or the time kept with a spooled lead."""
    try:
        when = datetime.fromisoformat(data.submitted_at) if data.submitted_at else None
    except ValueError:
        when = None
    return as_utc(when) if when is not None else utcnow()


def _build_lead(data: LeadInput) -> Lead:
    """Validate and score; raises InvalidInput / ConsentRequired before any SQL."""
    if data.consent is not True:
        raise ConsentRequired("A lead can only be saved after the visitor has given consent.")
    if not (data.conversation_id or "").strip():
        raise validation.InvalidInput("A lead needs the conversation it came from.")
    name = validation.validate_name(data.name)
    # An e-mail is the normal contact route; a phone number alone is enough too.
    email, free_mail = validation.validate_email(data.email or "") if _clean(data.email) else (None, False)
    phone = validation.validate_phone(data.phone or "", data.phone_region) if _clean(data.phone) else None
    if not (email or phone):
        raise validation.InvalidInput(
            "Please leave an e-mail address or a phone number so our team can reach you."
        )
    answers: dict[str, Any] = {}
    for spec in fields.ANSWERS:  # each answer as its field stores it (a bucket, clean text)
        if spec.stored:
            value = getattr(data, spec.stored.column)
            convert = spec.stored.convert
            answers[spec.stored.column] = convert(value) if convert else _clean(value, spec.stored.length)
    result = scoring.score_lead(
        free_mail=free_mail,
        has_email=email is not None,
        described_need=answers.get("need"),
        **{part: answers.get(part) for part in scoring.SCORED},
    )
    advice = handoff.sanitized({**(data.advice or {}), "recommendation": data.recommendation})
    now = _submitted_at(data)
    return Lead(
        created_at=now,
        updated_at=now,
        name=name,
        email=email,
        email_domain=email.rsplit("@", 1)[1] if email else None,
        company=_clean(data.company),
        phone=phone,
        consent=True,
        consent_text=_clean(data.consent_text, 2000) or DEFAULT_CONSENT_TEXT,
        consent_at=now,
        score=result.score,
        reasons=list(result.reasons),
        qualified=result.qualified,
        conversation_id=data.conversation_id.strip()[:255],
        page_url=_page_url(data.page_url),
        client_key=_clean(data.client_key, throttle.MAX_CLIENT_KEY_CHARS),
        recommendation=advice["recommendation"] if advice else None,
        advice={k: v for k, v in advice.items() if k != "recommendation"} if advice else None,
        **answers,
    )


def _existing(session: Session, conversation_id: str) -> Lead | None:
    return session.scalars(select(Lead).where(Lead.conversation_id == conversation_id)).first()


def contact_key(email: str | None, phone: str | None) -> str:
    """What makes two leads the same person: the e-mail, else the phone number."""
    return f"email:{email}" if email else f"phone:{phone}"


def _find_or_create_contact(session: Session, lead: Lead) -> Contact:
    """The lead's contact; a new one takes the lead's details, an existing one keeps its own
    (what a visitor types is unverified: anyone could type someone else's address)."""
    key = contact_key(lead.email, lead.phone)
    contact = session.scalars(select(Contact).where(Contact.key == key)).first()
    if contact is None:
        contact = Contact(
            key=key,
            email=lead.email,
            email_domain=lead.email_domain,
            name=lead.name,
            company=lead.company,
            phone=lead.phone,
        )
        session.add(contact)
    return contact


def _save_once(session: Session, data: LeadInput, lead: Lead, limits: throttle.Limits | None) -> Lead:
    existing = _existing(session, data.conversation_id.strip()[:255])
    if existing is not None:
        return existing
    if limits is not None:
        throttle.check(session, limits, lead, utcnow())
    lead.contact = _find_or_create_contact(session, lead)
    session.add(lead)
    session.flush()  # assigns lead.id; raises IntegrityError on a lost race
    lead.owner = routing.assign_owner(session, lead)
    outbox.enqueue(session, lead)
    session.commit()
    lead.created_now = True
    return lead


def save_lead(
    target: Session | Engine | None, data: LeadInput, limits: throttle.Limits | None = None
) -> Lead:
    """Store a consented lead, or return the lead already stored for its conversation.

    target: a Session (committed here; must hold no other pending work), an Engine,
    or None for the default sales database. Raises ConsentRequired or
    validation.InvalidInput (with a hint for the visitor) before touching the database,
    and throttle.LeadThrottled when `limits` are given and a new lead would exceed them.
    The returned Lead has created_now=True only when this call inserted it.
    """
    lead = _build_lead(data)  # validated before any transaction is opened
    if isinstance(target, Session):
        session, own = target, False
    else:
        session, own = Session(bind=target or db.get_engine(), future=True, expire_on_commit=False), True
    try:
        for attempt in range(_MAX_TRIES):
            try:
                return _save_once(session, data, lead, limits)
            except IntegrityError:
                # Another transaction inserted this conversation's lead or this
                # e-mail's contact first: start over and find what it wrote (with a
                # new Lead object: the rolled-back one is no longer usable).
                session.rollback()
                lead = _build_lead(data)
                log.debug("lead save raced (attempt %d), retrying", attempt + 1)
        found = _existing(session, data.conversation_id.strip()[:255])
        if found is None:
            raise RuntimeError("could not save the lead after repeated conflicts")
        return found
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
