"""The generic webhook's body in three shapes (SALES_WEBHOOK_FORMAT).

- ours: the lead as `bot leads list --json` shows it, plus the transcript command;
- hubspot: `{"properties": {...}}` with HubSpot's default contact property names, what
  POST /crm/v3/objects/contacts takes;
- salesforce: a Lead sObject's standard fields, what POST .../sobjects/Lead takes.
The CRM shapes carry the score, its reasons and the transcript command in the free-text
field each CRM has (`message`, `Description`), so nothing needs a custom property.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.forms import engine
from bot.sales import alerts, routing
from bot.sales.fields import ANSWERS
from bot.sales.models import Lead
from bot.sales.serialize import lead_to_dict


def split_name(name: str) -> tuple[str, str]:
    """(first, last): the last word is the family name; one word is a last name only."""
    parts = (name or "").split()
    if len(parts) < 2:
        return "", " ".join(parts)
    return " ".join(parts[:-1]), parts[-1]


def _notes(lead: Lead) -> str:
    lines = [f"Score {lead.score}/100 ({'qualified' if lead.qualified else 'not qualified'})"]
    lines += [f"- {reason}" for reason in lead.reasons or []]
    facts = [
        (engine.export_label(spec), getattr(lead, spec.stored.column))
        for spec in ANSWERS
        if spec.stored and spec.stored.in_notes
    ]
    facts.append(("Advisor's recommendation", lead.recommendation))
    lines += [f"{label}: {value}" for label, value in facts if value]
    lines.append(f"Transcript: {alerts.transcript_command(lead.id)} (conversation {lead.conversation_id})")
    return "\n".join(lines)


def ours(lead: Lead) -> dict:
    return {
        **lead_to_dict(lead),
        "country": routing.country_of(lead.phone),
        "transcript_command": alerts.transcript_command(lead.id),
    }


def hubspot(lead: Lead) -> dict:
    first, last = split_name(lead.name)
    owner = routing.owner(lead.owner)
    properties = {
        "email": lead.email,
        "firstname": first,
        "lastname": last,
        "phone": lead.phone,
        "company": lead.company,
        "jobtitle": lead.role,
        "country": routing.country_of(lead.phone),
        "lifecyclestage": "salesqualifiedlead" if lead.qualified else "lead",
        "hs_lead_status": "NEW",
        "message": _notes(lead),
        "hubspot_owner_id": owner.hubspot_owner_id if owner else None,
    }
    return {"properties": {key: value for key, value in properties.items() if value}}


def salesforce(lead: Lead) -> dict:
    first, last = split_name(lead.name)
    owner = routing.owner(lead.owner)
    fields = {
        "FirstName": first[:40],
        "LastName": last[:80],
        "Company": (lead.company or "[not provided]")[:255],  # required by Salesforce
        "Email": lead.email,
        "Phone": lead.phone,
        "Title": lead.role,
        "Country": routing.country_of(lead.phone),
        "LeadSource": "Web",
        "Status": "Open - Not Contacted",
        "Rating": "Hot" if lead.qualified else "Warm",
        "Description": _notes(lead),
        "OwnerId": owner.salesforce_owner_id if owner else None,
    }
    return {key: value for key, value in fields.items() if value}


FORMATS: dict[str, Callable[[Lead], dict]] = {"ours": ours, "hubspot": hubspot, "salesforce": salesforce}
