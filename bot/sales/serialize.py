"""The lead as sales sees it: `bot leads list --json`, the CSV export, the GDPR export and
the generic webhook's body (bot.sales.crm) all use the same dict.

A module of its own, beside bot.sales.models: the repository (which queues alerts through the
outbox) and the webhook's body (which the outbox sends) both need it, and neither may import
the other.
"""

from __future__ import annotations

from bot.sales.fields import ANSWERS
from bot.sales.models import Lead, as_utc

# the form's answers, one column each, in the order of its fields (bot.sales.fields)
ANSWER_COLUMNS = tuple(spec.stored.column for spec in ANSWERS if spec.stored)


def lead_to_dict(lead: Lead) -> dict:
    """The lead as sales sees it (CLI JSON, CSV, webhook payload)."""
    return {
        "id": lead.id,
        "created_at": as_utc(lead.created_at).isoformat(),
        "name": lead.name,
        "email": lead.email,
        "company": lead.company,
        **{column: getattr(lead, column) for column in ANSWER_COLUMNS},
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
        "owner": lead.owner,
        "recommendation": lead.recommendation,
        "advice": lead.advice,
    }
