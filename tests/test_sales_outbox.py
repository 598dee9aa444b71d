"""The alert outbox against real receivers on 127.0.0.1: a local SMTP server and HTTP endpoints."""

import json
import threading
import time
from datetime import timedelta

import pytest
from receivers import HttpReceiver, SmtpReceiver
from sales_fixtures import count, tracker_url  # noqa: F401, F811  (a fixture)
from sales_fixtures import lead_input as lead
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.sales import outbox, privacy
from bot.sales.models import Lead, OutboxItem, as_utc
from bot.sales.repository import save_lead


def unqualified(conversation_id):
    return lead(conversation_id, budget="no idea", role="just researching", timeline="not sure")


def rows(engine, channel=None):
    with Session(engine, future=True) as session:
        query = select(OutboxItem).order_by(OutboxItem.id)
        if channel:
            query = query.where(OutboxItem.channel == channel)
        return list(session.scalars(query))


@pytest.fixture(autouse=True)
def _no_channels(monkeypatch, tmp_path):
    """Every channel off and no routing file unless a test turns them on."""
    channels = ("SALES_WEBHOOK_URL", "SALES_SLACK_WEBHOOK_URL", "SALES_NOTIFY_EMAIL", "SALES_WEBHOOK_SECRET")
    for name in channels:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SALES_ROUTING_FILE", str(tmp_path / "no-routing.yml"))


@pytest.fixture
def smtp(monkeypatch):
    with SmtpReceiver() as server:
        monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("SMTP_PORT", str(server.port))
        monkeypatch.setenv("SMTP_FROM", "assistant@consultancy.test")
        monkeypatch.setenv("SALES_NOTIFY_EMAIL", "sales@consultancy.test")
        yield server


def test_one_row_per_channel_that_is_on_and_none_when_all_are_off(engine, monkeypatch):
    save_lead(engine, lead("off"))
    assert count(engine, "outbox") == 0
    monkeypatch.setenv("SALES_NOTIFY_EMAIL", "sales@consultancy.test")
    monkeypatch.setenv("SALES_SLACK_WEBHOOK_URL", "http://127.0.0.1:9/slack")
    saved = save_lead(engine, lead("on"))
    save_lead(engine, lead("on"))  # the same conversation again: no second lead, no second alert
    assert sorted(r.channel for r in rows(engine)) == ["email", "slack"]
    assert {r.lead_id for r in rows(engine)} == {saved.id} and {r.priority for r in rows(engine)} == {0}


def test_fails_twice_then_third_attempt_delivers(engine, monkeypatch):
    with HttpReceiver(failures=2) as hook:
        monkeypatch.setenv("SALES_WEBHOOK_URL", hook.url)
        saved = save_lead(engine, lead())
        now = utcnow()

        first = outbox.deliver_pending(engine, now=now)
        assert (first.delivered, first.failed) == (0, 1)
        item = rows(engine)[0]
        assert item.attempts == 1 and item.last_error == "HTTP 500" and item.delivered_at is None
        assert as_utc(item.next_attempt_at) == now + outbox.backoff(1)

        # Not due yet: the backoff is respected.
        assert outbox.deliver_pending(engine, now=now) == outbox.DeliveryStats()
        assert len(hook.received) == 1

        second = outbox.deliver_pending(engine, now=now + timedelta(minutes=1))
        assert second.failed == 1 and rows(engine)[0].attempts == 2
        assert as_utc(rows(engine)[0].next_attempt_at) == now + timedelta(minutes=1) + outbox.backoff(2)

        third = outbox.deliver_pending(engine, now=now + timedelta(hours=1))
        assert third.delivered == 1

    item = rows(engine)[0]
    assert item.attempts == 3 and item.delivered_at is not None and item.last_error is None
    assert len(hook.received) == 3
    headers, body = hook.received[-1]
    payload = json.loads(body)
    assert payload["id"] == saved.id and payload["email"] == "anna@acme.com" and payload["qualified"] is True
    assert payload["transcript_command"] == f"bot leads show {saved.id}"
    assert headers["idempotency-key"] == f"lead-{saved.id}"
    # Delivered rows are not posted again.
    assert outbox.deliver_pending(engine, now=now + timedelta(days=1)).delivered == 0


def test_gives_up_after_max_attempts(engine, monkeypatch):
    with HttpReceiver(failures=99) as hook:
        monkeypatch.setenv("SALES_WEBHOOK_URL", hook.url)
        save_lead(engine, lead())
        later = utcnow()
        for _ in range(3):
            later += timedelta(days=1)
            stats = outbox.deliver_pending(engine, max_attempts=2, now=later)
    assert len(hook.received) == 2 and stats == outbox.DeliveryStats()
    assert rows(engine)[0].attempts == 2


def test_hanging_webhook_blocks_neither_save_nor_caller(engine, monkeypatch):
    with HttpReceiver(hang=3) as hook:
        monkeypatch.setenv("SALES_WEBHOOK_URL", hook.url)
        started = time.monotonic()
        saved = save_lead(engine, lead())
        assert time.monotonic() - started < 2  # save_lead never talks to a receiver
        assert count(engine, "leads") == 1

        started = time.monotonic()
        stats = outbox.deliver_pending(engine, timeout=0.5)
        assert time.monotonic() - started < 2.5
    assert stats.failed == 1
    item = rows(engine)[0]
    assert item.attempts == 1 and item.delivered_at is None and "Timeout" in item.last_error
    with Session(engine, future=True) as session:
        assert session.get(Lead, saved.id) is not None  # the lead is safe


def test_unreachable_receivers_never_raise(engine, monkeypatch):
    monkeypatch.setenv("SALES_WEBHOOK_URL", "http://127.0.0.1:9/nothing-listens")
    monkeypatch.setenv("SALES_NOTIFY_EMAIL", "sales@consultancy.test")
    monkeypatch.setenv("SMTP_PORT", "9")
    save_lead(engine, lead())
    stats = outbox.deliver_pending(engine, timeout=1)
    assert stats.failed == 2
    errors = {r.channel: r.last_error for r in rows(engine)}
    assert "ConnectionError" in errors["webhook"] and "ConnectionRefused" in errors["email"]
    # A broken database is logged, not raised, too.
    assert outbox.deliver_pending("not an engine") == outbox.DeliveryStats()


def test_qualified_leads_are_alerted_first(engine, smtp):
    for number in range(3):
        save_lead(engine, unqualified(f"cold-{number}"))
    hot = save_lead(engine, lead("hot"))
    assert outbox.deliver_pending(engine).delivered == 4
    subjects = [m["Subject"] for m in smtp.messages]
    assert subjects[0].startswith(f"Qualified lead #{hot.id}:")
    assert all(s.startswith("New lead #") for s in subjects[1:])


def test_each_lead_is_mailed_exactly_once_across_restarts_and_rival_workers(engine, smtp, db_url):
    """Two workers race over the same rows, then 'restart' (fresh engines) and race again."""
    from bot import db

    saved = [save_lead(engine, lead(f"race-{n}", email=f"visitor{n}@acme.com")) for n in range(6)]

    def worker_pass():
        rival = db.make_engine(db_url)  # a process of its own would have its own engine
        try:
            outbox.deliver_pending(rival)
        finally:
            rival.dispose()

    for _round in range(2):  # the second round plays a restart: nothing is sent again
        threads = [threading.Thread(target=worker_pass) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    ids = sorted(m["Message-ID"] for m in smtp.messages)
    assert ids == sorted(f"<lead-{s.id}.alert@consultancy.test>" for s in saved)
    assert all(r.delivered_at is not None and r.attempts == 1 for r in rows(engine))


def test_smtp_outage_then_recovery_sends_once(engine, smtp):
    saved = save_lead(engine, lead())
    smtp.stop()
    now = utcnow()
    assert outbox.deliver_pending(engine, now=now, timeout=2).failed == 1
    smtp.start()
    assert outbox.deliver_pending(engine, now=now).delivered == 0  # backing off
    assert outbox.deliver_pending(engine, now=now + timedelta(minutes=5)).delivered == 1
    assert outbox.deliver_pending(engine, now=now + timedelta(days=1)).delivered == 0
    assert [m["Message-ID"] for m in smtp.messages] == [f"<lead-{saved.id}.alert@consultancy.test>"]


def test_forgotten_lead_is_never_alerted(engine, smtp, tracker_url):  # noqa: F811
    save_lead(engine, lead())
    privacy.forget("anna@acme.com", engine=engine, tracker_url=tracker_url)
    assert outbox.deliver_pending(engine).delivered == 0 and smtp.raw == []


def test_worker_thread_delivers_and_stops(engine, monkeypatch):
    with HttpReceiver() as hook:
        monkeypatch.setenv("SALES_WEBHOOK_URL", hook.url)
        save_lead(engine, lead())
        thread, stop = outbox.start_worker(interval=0.1, target=engine)
        deadline = time.monotonic() + 10
        while not hook.received and time.monotonic() < deadline:
            time.sleep(0.05)
        stop.set()
        thread.join(5)
    assert not thread.is_alive()
    assert len(hook.received) == 1 and rows(engine)[0].delivered_at is not None


def test_a_message_that_cannot_be_built_is_a_failed_attempt_and_others_still_go(engine, smtp, monkeypatch):
    broken = save_lead(engine, lead("broken"))
    fine = save_lead(engine, lead("fine", email="bob@acme.com"))
    real_build = outbox.CHANNELS["email"].build

    def build(session, the_lead):
        if the_lead.id == broken.id:
            raise ValueError("bad data")
        return real_build(session, the_lead)

    channel = outbox.Channel("email", lambda: True, build, outbox.mailer.send)
    monkeypatch.setitem(outbox.CHANNELS, "email", channel)
    stats = outbox.deliver_pending(engine)
    assert (stats.delivered, stats.failed) == (1, 1)
    assert [m["Message-ID"] for m in smtp.messages] == [f"<lead-{fine.id}.alert@consultancy.test>"]
    errors = {r.lead_id: r.last_error for r in rows(engine)}
    assert "cannot build the message: ValueError" in errors[broken.id]


# ----------------------------------------------------------------------------- incidents (issue 17)


def test_an_outage_is_one_incident_with_one_alert_per_channel(engine, smtp, monkeypatch):
    from bot.sales import incidents
    from bot.sales.models import Incident

    monkeypatch.setenv("SALES_WEBHOOK_URL", "http://127.0.0.1:9/crm")  # leads only
    channels = outbox.incident_channels()
    assert channels == ["email"]
    first = incidents.open_incident(incidents.ACTION_SERVER_DOWN, channels, engine)
    assert first is not None
    assert incidents.open_incident(incidents.ACTION_SERVER_DOWN, channels, engine) is None  # the same outage
    assert [(r.incident_id, r.lead_id, r.channel) for r in rows(engine)] == [(first, None, "email")]

    assert outbox.deliver_pending(engine).delivered == 1
    (mail,) = smtp.messages
    assert "action server does not answer" in mail["Subject"] and mail["To"] == "sales@consultancy.test"
    assert mail["Message-ID"].startswith(f"<incident-{first}.")
    assert outbox.deliver_pending(engine, now=utcnow() + timedelta(days=1)).delivered == 0

    assert incidents.close_incident(incidents.ACTION_SERVER_DOWN, engine) is True
    assert incidents.close_incident(incidents.ACTION_SERVER_DOWN, engine) is False
    second = incidents.open_incident(incidents.ACTION_SERVER_DOWN, channels, engine)  # a new outage
    assert second not in (None, first)
    with Session(engine, future=True) as session:
        assert [i.closed_at is None for i in session.scalars(select(Incident).order_by(Incident.id))] == [
            False,
            True,
        ]


def test_two_replicas_opening_the_same_outage_queue_one_alert(engine, monkeypatch):
    from bot.sales import incidents

    monkeypatch.setenv("SALES_SLACK_WEBHOOK_URL", "http://127.0.0.1:9/slack")
    opened = []
    threads = [
        threading.Thread(
            target=lambda: opened.append(
                incidents.open_incident(incidents.ACTION_SERVER_DOWN, ["slack"], engine)
            )
        )
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len([x for x in opened if x]) == 1
    assert [r.channel for r in rows(engine)] == ["slack"]


def test_no_database_no_incident_and_no_crash(monkeypatch, tmp_path):
    from sqlalchemy import create_engine

    from bot.sales import incidents

    missing = create_engine(f"sqlite:///{tmp_path}/nowhere/x.db", future=True)
    assert incidents.open_incident(incidents.ACTION_SERVER_DOWN, ["email"], missing) is None
    assert incidents.close_incident(incidents.ACTION_SERVER_DOWN, missing) is False
