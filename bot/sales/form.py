"""The lead form's rules, without Rasa: what each answer means, and what to say back.

Each check returns a Check: the value to store (None: ask again) and an optional hint
for the visitor. actions/sales.py only moves values between these and the slots.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

from bot.sales import validation
from bot.sales.repository import LeadInput

SKIPPED = "-"  # stored in a slot the visitor chose to leave empty
MAX_EMAIL_ATTEMPTS = 2
NOT_SURE = "not sure"
_SKIP_WORDS = re.compile(r"^\s*(skip|no|nope|none|no thanks|no phone|-|n/a|rather not( say)?|pass)\s*[.!]*\s*$", re.I)
_NOT_SURE_WORDS = re.compile(r"\b(not sure|don'?t know|no idea|unsure|both|either|undecided|no preference)\b", re.I)


_EMAIL_LIKE = re.compile(r"^\s*\S+@\S+\s*$")
_PHONE_LIKE = re.compile(r"^\s*\+?[\d\s().\-/]{7,}\s*$")


def looks_like_contact(text: str | None) -> bool:
    """An answer that is plainly an e-mail address or a phone number, whatever NLU
    made of it (an address can look like an SLA question to the intent classifier)."""
    return bool(text and (_EMAIL_LIKE.match(text) or _PHONE_LIKE.match(text)))


@dataclass(frozen=True)
class Check:
    value: object | None
    hint: str | None = None


def privacy_url() -> str:
    return os.environ.get("PRIVACY_URL", "/webhooks/webchat/privacy")


def consent_text() -> str:
    """Shown to the visitor and stored with the lead, word for word."""
    return (
        "May our sales team contact you about this enquiry using the details you gave? "
        f"We keep them only for that, as described in our privacy notice: {privacy_url()}"
    )


def check_name(text: str) -> Check:
    try:
        return Check(validation.validate_name(text))
    except validation.InvalidInput as exc:
        return Check(None, str(exc))


def check_email(text: str, attempts: int) -> tuple[Check, int]:
    """A valid address; after MAX_EMAIL_ATTEMPTS failures the visitor may give a phone instead."""
    if attempts >= 1 and _SKIP_WORDS.match(text or ""):
        return Check(SKIPPED, "No problem, a phone number will do instead."), attempts
    try:
        email, _free = validation.validate_email(text)
        return Check(email), attempts
    except validation.InvalidInput as exc:
        attempts += 1
        if attempts >= MAX_EMAIL_ATTEMPTS:
            return Check(SKIPPED, "That still isn't an e-mail address I can use, so let's take a phone number instead."), attempts
        return Check(None, f"{exc} You can also type \"skip\" to leave a phone number instead."), attempts


def check_company(text: str) -> Check:
    company = " ".join((text or "").split())
    if not company or len(company) > 200:
        return Check(None, "Which company should our team mention when they contact you?")
    return Check(company)


def _bucket(text: str, parse, allowed: tuple[str, ...], hint: str) -> Check:
    value = (text or "").strip()
    if value in allowed:
        return Check(value)
    parsed = parse(value)
    return Check(parsed) if parsed else Check(None, hint)


def check_company_size(text: str) -> Check:
    return _bucket(text, validation.parse_company_size, validation.COMPANY_SIZES,
                   "Roughly how many people work there? A number like 40, or pick a range.")


def check_budget(text: str) -> Check:
    return _bucket(text, validation.parse_budget, validation.BUDGETS,
                   "Roughly what monthly budget? For example \"5k a month\", or pick an option.")


def check_timeline(text: str) -> Check:
    return _bucket(text, validation.parse_timeline, validation.TIMELINES,
                   "When would you like to start? For example \"next month\", or pick an option.")


def check_role(text: str) -> Check:
    return _bucket(text, validation.parse_role, validation.ROLES,
                   "Are you the one who decides, do you recommend, or are you researching?")


def check_model(text: str) -> Check:
    value = (text or "").strip().lower()
    if value in ("managed_services", "it_outsourcing"):
        return Check(value)
    if _NOT_SURE_WORDS.search(value):
        return Check(NOT_SURE)
    if re.search(r"\bmanag|\bmsp", value):
        return Check("managed_services")
    if re.search(r"outsourc|body leas|staff aug|project", value):
        return Check("it_outsourcing")
    return Check(None, "Managed services, IT outsourcing, or not sure yet?")


def check_phone(text: str, email_skipped: bool, region: str | None = None) -> Check:
    if _SKIP_WORDS.match(text or ""):
        if email_skipped:
            return Check(None, "I need an e-mail address or a phone number so our team can reach you.")
        return Check(SKIPPED)
    try:
        return Check(validation.validate_phone(text, region))
    except validation.InvalidInput as exc:
        return Check(None, f"{exc} Or type \"skip\".")


FIELD_LABELS = (
    ("lead_name", "Name"), ("lead_email", "E-mail"), ("lead_phone", "Phone"),
    ("lead_company", "Company"), ("lead_company_size", "Size"), ("lead_service", "Service"),
    ("lead_model", "Model"), ("lead_budget", "Budget"), ("lead_timeline", "Start"),
    ("lead_role", "Role"),
)
MODEL_LABELS = {"managed_services": "managed services", "it_outsourcing": "IT outsourcing"}


def summary(values: dict, service_names: dict[str, str] | None = None) -> str:
    """What will be sent to sales, for the visitor to confirm."""
    parts = []
    for key, label in FIELD_LABELS:
        value = values.get(key)
        if value in (None, "", SKIPPED):
            continue
        if key == "lead_service":
            value = (service_names or {}).get(value, value)
        if key == "lead_model":
            value = MODEL_LABELS.get(value, value)
        parts.append(f"{label}: {value}")
    return "I'll send this to our sales team: " + "; ".join(parts) + ". Shall I send it?"


def lead_input(values: dict, conversation_id: str, page_url: str | None) -> LeadInput:
    def field(key):
        value = values.get(key)
        return None if value in (None, "", SKIPPED, NOT_SURE) else value

    return LeadInput(
        conversation_id=conversation_id,
        name=values["lead_name"],
        email=field("lead_email"),
        consent=bool(values.get("lead_consent")),
        consent_text=consent_text(),
        company=field("lead_company"),
        company_size=field("lead_company_size"),
        service=field("lead_service"),
        sourcing_model=field("lead_model"),
        budget=values.get("lead_budget") if values.get("lead_budget") != SKIPPED else None,
        timeline=values.get("lead_timeline") if values.get("lead_timeline") != SKIPPED else None,
        role=field("lead_role"),
        phone=field("lead_phone"),
        page_url=page_url,
    )
