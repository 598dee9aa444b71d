"""The lead throttle: a visitor never meets it, a flood does (SQLite and PostgreSQL)."""

from datetime import timedelta

import pytest
from sales_fixtures import count

from bot.db import utcnow
from bot.sales import throttle
from bot.sales.repository import LeadInput, save_lead

LIMITS = throttle.Limits(window=timedelta(hours=1), per_client=3, per_contact=2, total=6)


def lead(n, email=None, client="client-a"):
    return LeadInput(
        conversation_id=f"conv-{n}",
        name="Anna Smith",
        email=email or f"anna{n}@acme.com",
        consent=True,
        client_key=client,
    )


def test_one_client_is_stopped_after_its_limit(engine):
    for n in range(3):
        save_lead(engine, lead(n), limits=LIMITS)
    with pytest.raises(throttle.LeadThrottled, match="client"):
        save_lead(engine, lead(3), limits=LIMITS)
    save_lead(engine, lead(4, client="client-b"), limits=LIMITS)  # another visitor is not affected
    assert count(engine, "leads") == 4


def test_one_address_is_stopped_after_its_limit(engine):
    save_lead(engine, lead(0, email="x@acme.com", client=None), limits=LIMITS)
    save_lead(engine, lead(1, email="x@acme.com", client=None), limits=LIMITS)
    with pytest.raises(throttle.LeadThrottled, match="e-mail"):
        save_lead(engine, lead(2, email="x@acme.com", client=None), limits=LIMITS)


def test_made_up_conversations_without_a_client_key_meet_the_total(engine):
    for n in range(6):
        save_lead(engine, lead(n, client=None), limits=LIMITS)
    with pytest.raises(throttle.LeadThrottled, match="in total"):
        save_lead(engine, lead(6, client=None), limits=LIMITS)
    assert count(engine, "leads") == 6


def test_the_window_slides(engine):
    from sqlalchemy import text

    for n in range(3):
        save_lead(engine, lead(n), limits=LIMITS)
    with engine.begin() as conn:
        conn.execute(text("UPDATE leads SET created_at = :t"), {"t": utcnow() - timedelta(hours=2)})
    save_lead(engine, lead(3), limits=LIMITS)


def test_a_repeated_submit_of_the_same_conversation_is_not_counted(engine):
    for _ in range(5):
        save_lead(engine, lead(0), limits=LIMITS)
    assert count(engine, "leads") == 1


def test_the_defaults_let_a_real_visitor_through(engine, monkeypatch):
    limits = throttle.Limits.from_settings()
    assert limits.per_client >= 3 and limits.per_contact >= 2 and limits.total >= 100
    assert limits.window >= timedelta(minutes=30)
    save_lead(engine, lead(0), limits=limits)
    save_lead(engine, lead(1, email="anna0@acme.com"), limits=limits)  # a second enquiry


def test_client_key_comes_from_the_latest_user_message():
    events = [
        {"event": "user", "metadata": {"client_key": "old"}},
        {"event": "bot"},
        {"event": "user", "metadata": {"client_key": "k" * 100}},
    ]
    assert throttle.client_key(events) == "k" * 64
    assert throttle.client_key([{"event": "user", "metadata": {}}]) is None
