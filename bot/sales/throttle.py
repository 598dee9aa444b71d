"""A throttle on new leads that real visitors never meet.

A conversation gets one lead at most (the unique constraint on leads.conversation_id);
on top of that, within a time window (LEAD_LIMIT_WINDOW_SECONDS, default one hour):
- per client: LEAD_LIMIT_PER_CLIENT (5) leads from one client key, which the channel
  derives from the client's address and puts in the message metadata under
  CLIENT_METADATA_KEY (never a value the client chose);
- per contact: LEAD_LIMIT_PER_CONTACT (3) leads for one e-mail address or phone number;
- in total: LEAD_LIMIT_TOTAL (200) leads, which stops a flood of made-up conversations
  even when no channel supplies a client key.
Counted in the sales database, so every action-server replica sees the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.sales.models import Lead
from bot.settings import get_settings

CLIENT_METADATA_KEY = "client_key"
MAX_CLIENT_KEY_CHARS = 64


class LeadThrottled(Exception):
    """Too many new leads; str(exc) says which limit (for logs, not for visitors)."""


@dataclass(frozen=True)
class Limits:
    window: timedelta
    per_client: int
    per_contact: int
    total: int

    @classmethod
    def from_settings(cls) -> Limits:
        current = get_settings()
        return cls(
            window=timedelta(seconds=current.lead_limit_window_seconds),
            per_client=current.lead_limit_per_client,
            per_contact=current.lead_limit_per_contact,
            total=current.lead_limit_total,
        )


def client_key(events: Iterable[dict[str, Any]]) -> str | None:
    """The client key the channel put on the latest user message, if any."""
    for event in reversed(list(events)):
        if event.get("event") == "user":
            value = (event.get("metadata") or {}).get(CLIENT_METADATA_KEY)
            return str(value)[:MAX_CLIENT_KEY_CHARS] if value else None
    return None


def check(session: Session, limits: Limits, lead: Lead, now: datetime) -> None:
    """Raise LeadThrottled when storing `lead` would go over a limit."""
    recent = select(func.count()).select_from(Lead).where(Lead.created_at >= now - limits.window)
    counts = [("in total", limits.total, recent)]
    if lead.client_key:
        same_client = recent.where(Lead.client_key == lead.client_key)
        counts.append(("from this client", limits.per_client, same_client))
    if lead.email:
        counts.append(("for this e-mail address", limits.per_contact, recent.where(Lead.email == lead.email)))
    elif lead.phone:
        counts.append(("for this phone number", limits.per_contact, recent.where(Lead.phone == lead.phone)))
    for what, limit, query in counts:
        if session.execute(query).scalar_one() >= limit:
            raise LeadThrottled(f"{limit} new leads {what} within {limits.window}")
