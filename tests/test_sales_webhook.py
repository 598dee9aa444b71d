"""Outbox delivery against a real HTTP server on 127.0.0.1."""
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy.orm import Session

from bot.sales import webhook
from bot.sales.models import Lead, OutboxItem, as_utc, utcnow
from bot.sales.repository import LeadInput, save_lead
from sales_fixtures import count


class Hook:
    """A webhook receiver that answers the first `failures` posts with 500 (or hangs)."""

    def __init__(self, failures=0, hang=0.0):
        self.failures, self.hang, self.received = failures, hang, []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if hook.hang:
                    time.sleep(hook.hang)
                hook.received.append((body, self.headers.get("Idempotency-Key")))
                status = 500 if len(hook.received) <= hook.failures else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):  # keep test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/leads"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def lead(conversation_id="conv-1"):
    return LeadInput(conversation_id=conversation_id, name="Anna", email="anna@acme.com",
                     consent=True, company="Acme", budget="20k a month", role="CTO")


def outbox(engine):
    with Session(engine, future=True) as session:
        return session.query(OutboxItem).one()


def test_fails_twice_then_third_attempt_delivers(engine, monkeypatch):
    with Hook(failures=2) as hook:
        monkeypatch.setenv("SALES_WEBHOOK_URL", hook.url)
        saved = save_lead(engine, lead())
        now = utcnow()

        first = webhook.deliver_pending(engine, now=now)
        assert (first.delivered, first.failed) == (0, 1)
        item = outbox(engine)
        assert item.attempts == 1 and item.last_error == "HTTP 500" and item.delivered_at is None
        assert as_utc(item.next_attempt_at) == now + webhook.backoff(1)

        # Not due yet: the backoff is respected.
        assert webhook.deliver_pending(engine, now=now) == webhook.DeliveryStats()
        assert len(hook.received) == 1

        second = webhook.deliver_pending(engine, now=now + timedelta(minutes=1))
        assert second.failed == 1 and outbox(engine).attempts == 2
        assert as_utc(outbox(engine).next_attempt_at) == now + timedelta(minutes=1) + webhook.backoff(2)

        third = webhook.deliver_pending(engine, now=now + timedelta(hours=1))
        assert third.delivered == 1

    item = outbox(engine)
    assert item.attempts == 3 and item.delivered_at is not None and item.last_error is None
    assert len(hook.received) == 3
    body, key = hook.received[-1]
    assert body["id"] == saved.id and body["email"] == "anna@acme.com" and body["qualified"] in (True, False)
    assert key == f"lead-{saved.id}"
    # Delivered rows are not posted again.
    assert webhook.deliver_pending(engine, url=hook.url, now=now + timedelta(days=1)).delivered == 0


def test_gives_up_after_max_attempts(engine, monkeypatch):
    with Hook(failures=99) as hook:
        monkeypatch.setenv("SALES_WEBHOOK_URL", hook.url)
        save_lead(engine, lead())
        later = utcnow()
        for _ in range(3):
            later += timedelta(days=1)
            stats = webhook.deliver_pending(engine, max_attempts=2, now=later)
    assert len(hook.received) == 2 and stats == webhook.DeliveryStats()
    assert outbox(engine).attempts == 2


def test_hanging_webhook_blocks_neither_save_nor_caller(engine, monkeypatch):
    with Hook(hang=3) as hook:
        monkeypatch.setenv("SALES_WEBHOOK_URL", hook.url)
        started = time.monotonic()
        saved = save_lead(engine, lead())
        assert time.monotonic() - started < 2  # save_lead never talks to the webhook
        assert count(engine, "leads") == 1

        started = time.monotonic()
        stats = webhook.deliver_pending(engine, timeout=0.5)
        assert time.monotonic() - started < 2.5
    assert stats.failed == 1
    item = outbox(engine)
    assert item.attempts == 1 and item.delivered_at is None and "Timeout" in item.last_error
    with Session(engine, future=True) as session:
        assert session.get(Lead, saved.id) is not None  # the lead is safe


def test_unreachable_webhook_never_raises(engine, monkeypatch):
    monkeypatch.setenv("SALES_WEBHOOK_URL", "http://127.0.0.1:9/nothing-listens")
    save_lead(engine, lead())
    stats = webhook.deliver_pending(engine, timeout=1)
    assert stats.failed == 1 and "ConnectionError" in outbox(engine).last_error
    # A broken database is logged, not raised, too.
    assert webhook.deliver_pending("not an engine", url="http://127.0.0.1:9/") == webhook.DeliveryStats()


def test_worker_thread_delivers_and_stops(engine, monkeypatch):
    with Hook() as hook:
        monkeypatch.setenv("SALES_WEBHOOK_URL", hook.url)
        save_lead(engine, lead())
        thread, stop = webhook.start_worker(interval=0.1, target=engine)
        deadline = time.monotonic() + 10
        while not hook.received and time.monotonic() < deadline:
            time.sleep(0.05)
        stop.set()
        thread.join(5)
    assert not thread.is_alive()
    assert len(hook.received) == 1 and outbox(engine).delivered_at is not None


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    monkeypatch.delenv("SALES_WEBHOOK_URL", raising=False)
