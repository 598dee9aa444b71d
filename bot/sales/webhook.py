"""Outbox delivery: post committed leads to SALES_WEBHOOK_URL, retrying with backoff.

save_lead only writes an outbox row; delivery happens here, later and outside the
lead's transaction, so a slow or failing webhook can neither lose nor delay a lead.
Delivery is at least once: receivers dedupe on the Idempotency-Key header (lead id).
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Union

import requests
from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot import db, settings
from bot.sales.models import OutboxItem, utcnow

log = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=6)
# 30 s doubling to 6 h: 20 attempts cover about three days of a receiver being down
# (a weekend); the lead itself is in the database whatever happens here.
MAX_ATTEMPTS = 20
BATCH = 50


@dataclass
class DeliveryStats:
    delivered: int = 0
    failed: int = 0  # will be retried
    gave_up: int = 0  # reached max_attempts


def backoff(attempts: int, base: timedelta = BACKOFF_BASE) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at 6 h, after the n-th failed attempt."""
    return min(base * (2 ** max(0, attempts - 1)), BACKOFF_MAX)


def _factory(target) -> Callable[[], Session]:
    if target is None or isinstance(target, Engine):
        return sessionmaker(bind=target or db.get_engine(), future=True, expire_on_commit=False)
    return target  # already a session factory


def _post(url: str, lead_id: int, payload: dict, timeout: float) -> str | None:
    """None on success, else a short error (no payload in it: it holds personal data)."""
    try:
        response = requests.post(
            url,
            json=payload,
            timeout=timeout,
            headers={"Idempotency-Key": f"lead-{lead_id}", "User-Agent": "sourcing-assistant"},
        )
    except requests.RequestException as exc:
        return f"{type(exc).__name__}"
    if 200 <= response.status_code < 300:
        return None
    return f"HTTP {response.status_code}"


def deliver_pending(
    target: Union[Engine, Callable[[], Session], None] = None,
    url: str | None = None,
    timeout: float = 5,
    max_attempts: int = MAX_ATTEMPTS,
    now: datetime | None = None,
    backoff_base: timedelta = BACKOFF_BASE,
) -> DeliveryStats:
    """One pass over due outbox rows. Never raises; returns what happened.

    target: Engine, session factory, or None for the default sales database.
    url: defaults to SALES_WEBHOOK_URL; without one nothing is attempted.
    """
    stats = DeliveryStats()
    url = url or settings.sales_webhook_url()
    if not url:
        return stats
    try:
        factory = _factory(target)
        now = now or utcnow()
        with factory() as session:
            due = session.execute(
                select(OutboxItem.id, OutboxItem.lead_id, OutboxItem.payload,
                       OutboxItem.attempts, OutboxItem.next_attempt_at)
                .where(OutboxItem.delivered_at.is_(None),
                       OutboxItem.attempts < max_attempts,
                       OutboxItem.next_attempt_at <= now)
                .order_by(OutboxItem.next_attempt_at, OutboxItem.id)
                .limit(BATCH)
            ).all()
        for row in due:
            _deliver_one(factory, url, row, timeout, max_attempts, now, backoff_base, stats)
    except Exception:  # the caller is a worker loop or the CLI: log, never crash it
        log.exception("outbox delivery pass failed")
    return stats


def _deliver_one(factory, url, row, timeout, max_attempts, now, backoff_base, stats) -> None:
    # Claim the row by pushing next_attempt_at past the request's timeout; a second
    # worker that read the same row sees the update count 0 and skips it.
    lease = now + timedelta(seconds=timeout + 60)
    with factory() as session, session.begin():
        claimed = session.execute(
            update(OutboxItem)
            .where(OutboxItem.id == row.id, OutboxItem.delivered_at.is_(None),
                   OutboxItem.attempts == row.attempts)
            .values(next_attempt_at=lease)
        ).rowcount
    if not claimed:
        return
    error = _post(url, row.lead_id, row.payload, timeout)
    attempts = row.attempts + 1
    values: dict = {"attempts": attempts, "last_error": error}
    if error is None:
        values["delivered_at"] = utcnow()
        stats.delivered += 1
    else:
        values["next_attempt_at"] = now + backoff(attempts, backoff_base)
        if attempts >= max_attempts:
            stats.gave_up += 1
            log.warning("outbox %s: giving up after %d attempts (%s)", row.id, attempts, error)
        else:
            stats.failed += 1
            log.info("outbox %s: attempt %d failed (%s)", row.id, attempts, error)
    with factory() as session, session.begin():
        session.execute(update(OutboxItem).where(OutboxItem.id == row.id).values(**values))


def run_worker(
    stop_event: threading.Event,
    interval: float = 15,
    target: Union[Engine, Callable[[], Session], None] = None,
    url: str | None = None,
    **kwargs,
) -> None:
    """Deliver every `interval` seconds until stop_event is set (run it in a thread)."""
    while not stop_event.is_set():
        deliver_pending(target, url=url, **kwargs)
        stop_event.wait(interval)


def start_worker(interval: float = 15, **kwargs) -> tuple[threading.Thread, threading.Event]:
    """Start run_worker in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(
        target=run_worker, args=(stop, interval), kwargs=kwargs, name="sales-outbox", daemon=True
    )
    thread.start()
    return thread, stop
