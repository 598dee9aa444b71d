"""Helpers shared by the sales tests (databases come from conftest's db_url / engine)."""

from __future__ import annotations

import pytest
from sqlalchemy import text


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
