"""Helpers shared by the sales tests (databases come from conftest's db_url / engine)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.sales.repository import LeadInput

# A visitor who answered every question: qualified (a decision maker, with budget, soon), reachable
# by e-mail and phone. A test states only what matters to it and takes the rest from here.
A_LEAD = dict(
    name="Anna Smith",
    email="anna@acme.com",
    company="Acme",
    company_size="about 50 people",
    service="managed-helpdesk",
    budget="20k a month",
    timeline="asap",
    role="I'm the CTO",
    phone="+49 30 1234567",
    consent=True,
    consent_text="Yes, you may contact me.",
    page_url="https://example.com/pricing",
)


def lead_input(conversation_id: str = "conv-1", **fields) -> LeadInput:
    """A_LEAD in conversation `conversation_id`, with `fields` instead of its own values."""
    return LeadInput(conversation_id=conversation_id, **{**A_LEAD, **fields})


@pytest.fixture
def tracker_url(tmp_path, monkeypatch):
    """A SQLite tracker-store URL (file not created yet) exported as TRACKER_DB_URL."""
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    monkeypatch.setenv("TRACKER_DB_URL", url)
    return url


def count(engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()


@pytest.fixture
def tracker_db(db_url, database_factory, tmp_path):
    """A tracker-store URL on the same backend as db_url (SQLite file or PostgreSQL schema)."""
    backend = "sqlite" if db_url.startswith("sqlite") else "postgres"
    folder = tmp_path / "tracker"
    folder.mkdir()
    with database_factory(backend, folder) as url:
        yield url


def write_rasa_tracker(tracker_url: str, conversation_id: str, turns=(), events=None) -> None:
    """Store a conversation through Rasa's own SQLTrackerStore.

    turns: (who, text) pairs; or events: Rasa Event objects, stored as they are.
    """
    import asyncio

    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    from sqlalchemy.engine import make_url

    if events is None:
        events = [ActionExecuted("action_listen")]
        for who, said in turns:
            if who == "visitor":
                events.append(UserUttered(said, intent={"name": "inform", "confidence": 1.0}))
            else:
                events.append(BotUttered(said))
    url = make_url(tracker_url)
    if url.drivername.startswith("sqlite"):
        store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=url.database)
    else:
        store = SQLTrackerStore(
            Domain.empty(),
            dialect="postgresql",
            host=url.host,
            port=url.port,
            db=url.database,
            username=url.username,
            password=url.password,
            query=dict(url.query),
        )
    asyncio.run(store.save(DialogueStateTracker.from_events(conversation_id, events)))
    store.engine.dispose()
