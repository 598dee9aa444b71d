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
