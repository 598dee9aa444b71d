"""Incidents: a part of the assistant stopped answering (today: the action server). Operators
get one alert per outage through the outbox (e-mail and Slack-style webhook; the CRM webhook is
for leads), not one per visitor message.

The Rasa server opens the incident at the first failure it meets and closes it at the first
success (bot.rasa_fixes). Opening is idempotent across processes: at most one incident of a
kind is open (a partial unique index), so two replicas that both meet the outage queue one alert.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot import db
from bot.db import utcnow
from bot.sales.models import Incident, OutboxItem
from bot.text import messages

log = logging.getLogger(__name__)

ACTION_SERVER_DOWN = "action_server_down"
CHANNELS = ("email", "slack")  # who is told; the CRM webhook takes leads only
# kind -> (what happened, what it means for visitors): data/messages/<language>.yml, incidents.*
WHAT = {
    ACTION_SERVER_DOWN: (
        messages.text("incidents.action_server_down"),
        messages.text("incidents.action_server_down.effect"),
    )
}


def open_incident(kind: str, channels: list[str], engine: Engine | None = None) -> int | None:
    """Open an incident of `kind` and queue its alerts; None when one is open already (or no
    database: then the log is all there is)."""
    try:
        with db.session_scope(engine) as session:
            if session.scalars(
                select(Incident.id).where(Incident.kind == kind, Incident.closed_at.is_(None))
            ).first():
                return None
            incident = Incident(kind=kind, opened_at=utcnow())
            session.add(incident)
            session.flush()
            for channel in channels:
                if channel in CHANNELS:
                    session.add(
                        OutboxItem(
                            incident_id=incident.id,
                            channel=channel,
                            priority=0,
                            next_attempt_at=incident.opened_at,
                        )
                    )
            return int(incident.id)
    except IntegrityError:
        return None  # another replica opened it a moment ago
    except SQLAlchemyError as exc:
        log.error("could not record the incident %s: %s", kind, type(exc).__name__)
        return None


def close_incident(kind: str, engine: Engine | None = None, now: datetime | None = None) -> bool:
    """Close the open incident of `kind`; False when none was open (or no database)."""
    try:
        with db.session_scope(engine) as session:
            closed = session.execute(
                update(Incident)
                .where(Incident.kind == kind, Incident.closed_at.is_(None))
                .values(closed_at=now or utcnow())
            ).rowcount
            return bool(closed)
    except SQLAlchemyError as exc:
        log.error("could not close the incident %s: %s", kind, type(exc).__name__)
        return False


def subject(incident: Incident) -> str:
    return messages.text("incidents.subject", id=incident.id, what=WHAT[incident.kind][0])


def as_text(incident: Incident) -> str:
    since = incident.opened_at.strftime("%Y-%m-%d %H:%M UTC")
    state = (
        messages.text("incidents.since", since=since)
        if incident.closed_at is None
        else messages.text("incidents.back", since=since)
    )
    return f"{subject(incident)} ({state}).\n\n{WHAT[incident.kind][1]}\n"


def as_slack(incident: Incident) -> dict:
    return {"text": as_text(incident).strip()}
