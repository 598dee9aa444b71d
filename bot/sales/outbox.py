"""The outbox: every alert of every lead is a row, written in the lead's own transaction.

save_lead queues one row per lead for each channel that is on (e-mail to sales, a
Slack-style incoming webhook, the generic CRM webhook), so a lead is never stored
without its alerts, and a retried save never queues a second one (unique lead+channel).
A worker thread in the action server delivers due rows, qualified leads first,
retrying failures with exponential back-off.

Each delivery first claims its row (an UPDATE that only one worker can win), then
sends, then records the result. A delivered row is never sent again, also after a
restart; a claimed row whose worker died is retried once its lease has run out. Only a
crash in the instant between the server's "accepted" and our commit can repeat a
message: the e-mail's Message-ID and the webhook-id stay the same, so it can be told apart.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot import db
from bot.db import utcnow
from bot.sales import alerts, incidents, mailer, webhook
from bot.sales.models import Incident, Lead, OutboxItem
from bot.settings import get_settings

log = logging.getLogger(__name__)

BACKOFF_MAX = timedelta(hours=6)
# doubling to 6 h: 20 attempts cover about three days of a receiver being down (a
# weekend); the lead itself is in the database whatever happens here.
MAX_ATTEMPTS = 20
BATCH = 50
LEASE_MARGIN = timedelta(seconds=60)


@dataclass(frozen=True)
class Channel:
    name: str
    enabled: Callable[[], bool]
    build: Callable[[Session, Lead], Any]  # the message, made while the lead is at hand
    send: Callable[[Any, float], str | None]  # None on success, else a short reason
    # the message about an incident (the assistant itself is down); None: not told incidents
    build_incident: Callable[[Incident], Any] | None = None


CHANNELS = {
    channel.name: channel
    for channel in (
        Channel(
            "email",
            lambda: bool(get_settings().sales_notify_emails),
            lambda session, lead: mailer.message_for(alerts.build(session, lead)),
            mailer.send,
            lambda incident: mailer.plain_message(
                incidents.subject(incident),
                incidents.as_text(incident),
                get_settings().sales_notify_emails,
                f"incident-{incident.id}",
                urgent=True,
            ),
        ),
        Channel(
            "slack",
            lambda: bool(get_settings().sales_slack_webhook_url),
            lambda session, lead: alerts.as_slack(alerts.build(session, lead)),
            webhook.send_slack,
            incidents.as_slack,
        ),
        Channel(
            "webhook",
            lambda: bool(get_settings().sales_webhook_url),
            lambda session, lead: webhook.lead_request(lead),
            webhook.send_lead,
        ),
    )
}


@dataclass
class DeliveryStats:
    delivered: int = 0
    failed: int = 0  # will be retried
    gave_up: int = 0  # reached max_attempts


def enabled_channels() -> list[str]:
    return [name for name, channel in CHANNELS.items() if channel.enabled()]


def incident_channels() -> list[str]:
    """The channels that are on and tell operators about incidents."""
    return [name for name in enabled_channels() if CHANNELS[name].build_incident is not None]


def enqueue(session: Session, lead: Lead) -> None:
    """Queue the lead's alerts in the caller's transaction (the lead must have its id)."""
    for name in enabled_channels():
        session.add(
            OutboxItem(
                lead_id=lead.id,
                channel=name,
                priority=0 if lead.qualified else 1,
                attempts=0,
                next_attempt_at=lead.created_at,
                created_at=lead.created_at,
            )
        )


def backoff(attempts: int, base: timedelta | None = None) -> timedelta:
    """base, 2x base, 4x base, ... after the n-th failed attempt, capped at 6 hours."""
    base = base or timedelta(seconds=get_settings().sales_outbox_retry_seconds)
    return min(base * (2 ** max(0, attempts - 1)), BACKOFF_MAX)


def _factory(target) -> Callable[[], Session]:
    if target is None or isinstance(target, Engine):
        return sessionmaker(bind=target or db.get_engine(), future=True, expire_on_commit=False)
    return target  # already a session factory


def deliver_pending(
    target: Engine | Callable[[], Session] | None = None,
    timeout: float = 5,
    max_attempts: int = MAX_ATTEMPTS,
    now: datetime | None = None,
    backoff_base: timedelta | None = None,
    channels: list[str] | None = None,
) -> DeliveryStats:
    """One pass over the due rows of the channels that are on. Never raises.

    target: Engine, session factory, or None for the default sales database.
    """
    stats = DeliveryStats()
    names = [name for name in (channels or enabled_channels()) if name in CHANNELS]
    if not names:
        return stats
    try:
        factory = _factory(target)
        now = now or utcnow()
        with factory() as session:
            due = session.execute(
                select(
                    OutboxItem.id,
                    OutboxItem.lead_id,
                    OutboxItem.incident_id,
                    OutboxItem.channel,
                    OutboxItem.attempts,
                )
                .where(
                    OutboxItem.delivered_at.is_(None),
                    OutboxItem.channel.in_(names),
                    OutboxItem.attempts < max_attempts,
                    OutboxItem.next_attempt_at <= now,
                )
                .order_by(OutboxItem.priority, OutboxItem.next_attempt_at, OutboxItem.id)
                .limit(BATCH)
            ).all()
        for row in due:
            _deliver_one(factory, row, timeout, max_attempts, now, backoff_base, stats)
    except Exception:  # the caller is a worker loop or the CLI: log, never crash it
        log.exception("outbox delivery pass failed")
    return stats


def _deliver_one(factory, row, timeout, max_attempts, now, backoff_base, stats) -> None:
    channel = CHANNELS[row.channel]
    # Claim the row by pushing next_attempt_at past the send's timeout. Only a row that
    # is still due and unchanged can be claimed, so a second worker that read the same
    # row gets an update count of 0 and skips it.
    with factory() as session, session.begin():
        claimed = session.execute(
            update(OutboxItem)
            .where(
                OutboxItem.id == row.id,
                OutboxItem.delivered_at.is_(None),
                OutboxItem.attempts == row.attempts,
                OutboxItem.next_attempt_at <= now,
            )
            .values(next_attempt_at=max(now, utcnow()) + timedelta(seconds=timeout) + LEASE_MARGIN)
        ).rowcount
        subject = None
        if claimed:
            subject = (
                session.get(Lead, row.lead_id) if row.lead_id else session.get(Incident, row.incident_id)
            )
        if subject is None:
            return  # claimed by another worker, or the lead was forgotten meanwhile
        try:
            if isinstance(subject, Lead):
                message, error = channel.build(session, subject), None
            elif channel.build_incident is not None:
                message, error = channel.build_incident(subject), None
            else:
                message, error = None, "this channel takes no incidents"
        except Exception as exc:  # a message that cannot be built is a failed attempt, not a stuck pass
            log.exception("outbox %s (%s): could not build the message", row.id, row.channel)
            message, error = None, f"cannot build the message: {type(exc).__name__}"
    if error is None:
        error = channel.send(message, timeout)
    attempts = row.attempts + 1
    values: dict = {"attempts": attempts, "last_error": error}
    if error is None:
        values["delivered_at"] = utcnow()
        stats.delivered += 1
        about = f"lead {row.lead_id}" if row.lead_id else f"incident {row.incident_id}"
        log.info("outbox %s: %s alerted by %s", row.id, about, row.channel)
    else:
        values["next_attempt_at"] = now + backoff(attempts, backoff_base)
        if attempts >= max_attempts:
            stats.gave_up += 1
            log.warning(
                "outbox %s (%s): giving up after %d attempts (%s)", row.id, row.channel, attempts, error
            )
        else:
            stats.failed += 1
            log.info("outbox %s (%s): attempt %d failed (%s)", row.id, row.channel, attempts, error)
    with factory() as session, session.begin():
        session.execute(update(OutboxItem).where(OutboxItem.id == row.id).values(**values))


def run_worker(
    stop_event: threading.Event,
    interval: float = 5,
    target: Engine | Callable[[], Session] | None = None,
    **kwargs,
) -> None:
    """Deliver every `interval` seconds until stop_event is set (run it in a thread)."""
    while not stop_event.is_set():
        deliver_pending(target, **kwargs)
        stop_event.wait(interval)


def start_worker(interval: float = 5, **kwargs) -> tuple[threading.Thread, threading.Event]:
    """Start run_worker in a daemon thread; set the returned event to stop it."""
    current = get_settings()
    if current.sales_webhook_url and not current.sales_webhook_secret:
        log.warning("SALES_WEBHOOK_SECRET is not set: webhook requests go out unsigned")
    stop = threading.Event()
    thread = threading.Thread(
        target=run_worker, args=(stop, interval), kwargs=kwargs, name="sales-outbox", daemon=True
    )
    thread.start()
    return thread, stop
