"""The lead spool keeps a lead while the sales database is down and stores it once later."""

import os
import stat

import pytest
from sales_fixtures import count
from sqlalchemy import create_engine

from bot import db
from bot.sales import spool
from bot.sales.repository import LeadInput


def lead(conversation_id="conv-1"):
    return LeadInput(conversation_id=conversation_id, name="Anna Smith", email="anna@acme.com", consent=True)


def down_engine(tmp_path):
    """A SQLite database that cannot be opened: its folder does not exist."""
    return create_engine(f"sqlite:///{tmp_path / 'missing' / 'sales.db'}", future=True)


def test_a_lead_waits_in_the_spool_and_is_stored_once(engine, tmp_path):
    assert spool.save_or_keep(lead(), engine=down_engine(tmp_path)) is None
    (path,) = spool.pending()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert spool.save_or_keep(lead(), engine=down_engine(tmp_path)) is None  # resubmitted: one file
    assert len(spool.pending()) == 1
    assert spool.flush(down_engine(tmp_path)).failed == 1 and len(spool.pending()) == 1
    stats = spool.flush(engine)
    assert (stats.stored, stats.failed) == (1, 0) and spool.pending() == []
    assert spool.flush(engine).stored == 0
    assert count(engine, "leads") == 1


def test_a_crash_between_storing_and_deleting_stores_it_once(engine):
    spool.keep(lead())
    (path,) = spool.pending()
    saved = path.read_bytes()
    spool.flush(engine)
    path.write_bytes(saved)  # as if the process died before unlinking the file
    assert spool.flush(engine).stored == 1
    assert count(engine, "leads") == 1


def test_the_lead_keeps_the_time_the_visitor_confirmed(engine):
    spool.keep(lead())
    submitted = spool.read(spool.pending()[0]).submitted_at
    spool.flush(engine)
    with db.session_scope(engine) as session:
        from bot.sales.repository import list_leads

        (stored,) = list_leads(session)
        assert stored.created_at.replace(tzinfo=None).isoformat()[:19] == submitted[:19]


def test_a_full_spool_refuses(monkeypatch):
    monkeypatch.setattr(spool, "MAX_SPOOLED", 2)
    spool.keep(lead("a"))
    spool.keep(lead("b"))
    with pytest.raises(spool.SpoolFull):
        spool.keep(lead("c"))
