"""GDPR on real databases (SQLite and PostgreSQL), with trackers written by Rasa's own
SQLTrackerStore: forget finds every conversation that mentions the person, with or
without a lead and whatever the sender id's length; export gives one person their data;
purge deletes what is older than the retention period."""

import json
from datetime import timedelta

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from sales_fixtures import count, tracker_db, write_rasa_tracker  # noqa: F401
from sqlalchemy import create_engine, text

from bot import cli, db
from bot.db import utcnow
from bot.sales import privacy, spool
from bot.sales.repository import LeadInput, save_lead

# 300 characters: the lead keeps only 255 of them. Rasa's tracker store on PostgreSQL
# refuses sender ids over 255 characters (VARCHAR(255)), so there the id is 255 long.
LONG_IDS = {"sqlite": "web-" + "x" * 296, "postgres": "web-" + "y" * 251}


def lead(conversation_id, email="anna@acme.com", **extra):
    fields = dict(name="Anna Smith", company="Acme", consent=True, phone="+44 20 7946 0958")
    fields.update(extra)
    return LeadInput(conversation_id=conversation_id, email=email, **fields)


def said(*turns):
    events = [ActionExecuted("action_listen")]
    for who, value in turns:
        if who == "visitor":
            events.append(UserUttered(value, intent={"name": "inform", "confidence": 1.0}))
        elif who == "slot":
            events.append(SlotSet(*value))
        else:
            events.append(BotUttered(value))
    return events


CANCELLED_FORM = said(
    ("visitor", "can sales call me?"),
    ("bot", "What's your name?"),
    ("visitor", "Anna Smith"),
    ("slot", ("lead_name", "Anna Smith")),
    ("visitor", "Anna@ACME.com"),
    ("slot", ("lead_email", "anna@acme.com")),
    ("visitor", "stop"),
    ("slot", ("lead_email", None)),
    ("bot", "Okay, I've stopped. Nothing was stored."),
)
PHONE_ONLY = said(("visitor", "call me on +44 20 7946 0958"), ("slot", ("lead_phone", "+442079460958")))
UNRELATED = said(("visitor", "how are managed services billed?"), ("bot", "By subscription."))


def senders(tracker_url):
    engine = create_engine(tracker_url, future=True)
    with engine.connect() as conn:
        found = {row[0] for row in conn.execute(text("SELECT DISTINCT sender_id FROM events"))}
    engine.dispose()
    return found


@pytest.fixture
def long_id(db_url):
    return LONG_IDS["sqlite" if db_url.startswith("sqlite") else "postgres"]


@pytest.fixture
def person(engine, tracker_db, long_id, monkeypatch):
    """Anna's lead under a 300-character sender id, a cancelled form, a phone-only chat,
    and someone else's conversation and lead."""
    monkeypatch.setenv("SALES_DB_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("TRACKER_DB_URL", tracker_db)
    save_lead(engine, lead(long_id))
    save_lead(engine, lead("conv-joe", email="joe@other.com", name="Joe Bloggs", phone=None))
    write_rasa_tracker(tracker_db, long_id, events=said(("visitor", "Anna@acme.com"), ("bot", "Thanks")))
    write_rasa_tracker(tracker_db, "conv-cancelled", events=CANCELLED_FORM)
    write_rasa_tracker(tracker_db, "conv-phone", events=PHONE_ONLY)
    write_rasa_tracker(tracker_db, "conv-joe", events=UNRELATED)
    return tracker_db


def test_forget_erases_every_conversation_that_mentions_the_email(engine, person, long_id):
    assert len(long_id) >= 255 and senders(person) == {long_id, "conv-cancelled", "conv-phone", "conv-joe"}
    counts = privacy.forget("ANNA@acme.com", engine=engine, tracker_url=person)
    assert counts["leads"] == 1 and counts["contacts"] == 1
    assert counts["conversations"] == 2  # the lead's (by its full id) and the cancelled form
    assert senders(person) == {"conv-phone", "conv-joe"}
    assert count(engine, "leads") == 1


def test_forget_by_phone_finds_a_conversation_without_a_lead(engine, person):
    counts = privacy.forget("+44 20 7946 0958", engine=engine, tracker_url=person)
    assert counts["leads"] == 1  # Anna's lead has that phone: its conversation goes too
    assert counts["conversations"] == 2 and senders(person) == {"conv-cancelled", "conv-joe"}


def test_forget_erases_a_spooled_lead(engine, person):
    spool.keep(lead("conv-spooled"))
    spool.keep(lead("conv-other-spooled", email="joe@other.com", phone=None))
    assert privacy.forget("anna@acme.com", engine=engine, tracker_url=person)["spooled"] == 1
    assert [spool.read(p).email for p in spool.pending()] == ["joe@other.com"]


def test_export_gives_one_person_their_data(engine, person, long_id, capsys, tmp_path):
    target = tmp_path / "anna.json"
    assert cli.main(["leads", "export", "--email", "Anna@Acme.com", "--out", str(target)]) == 0
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["subject"] == "anna@acme.com"
    assert [x["conversation_id"] for x in data["leads"]] == [long_id[:255]]
    assert [c["email"] for c in data["contacts"]] == ["anna@acme.com"]
    assert sorted(c["conversation_id"] for c in data["conversations"]) == sorted([long_id, "conv-cancelled"])
    texts = [line["text"] for c in data["conversations"] for line in c["transcript"]]
    assert "Anna@ACME.com" in texts and "Joe Bloggs" not in json.dumps(data)


def test_purge_deletes_old_leads_and_old_conversations_without_a_lead(engine, person, capsys):
    with engine.begin() as conn:  # Anna's lead is 40 days old
        conn.execute(
            text("UPDATE leads SET created_at = :t WHERE email = 'anna@acme.com'"),
            {"t": utcnow() - timedelta(days=40)},
        )
    tracker = create_engine(person, future=True)
    with tracker.begin() as conn:  # the cancelled form too; the rest is from today
        conn.execute(
            text("UPDATE events SET timestamp = :t WHERE sender_id = 'conv-cancelled'"),
            {"t": (utcnow() - timedelta(days=40)).timestamp()},
        )
    tracker.dispose()
    assert cli.main(["leads", "purge", "--older-than", "30"]) == 0
    out = capsys.readouterr().out
    assert "1 lead(s), 1 contact(s)" in out and "2 conversation(s)" in out
    assert senders(person) == {"conv-phone", "conv-joe"}
    assert count(engine, "leads") == 1 and count(engine, "contacts") == 1
    assert cli.main(["leads", "purge", "--older-than", "30"]) == 0  # nothing left: still fine
    assert "0 lead(s)" in capsys.readouterr().out


def test_forget_also_removes_the_ratings_of_the_persons_conversations(engine, tracker_db):
    from bot.ratings import AnswerRating
    from bot.sales import privacy
    from bot.sales.repository import LeadInput, save_lead

    save_lead(
        engine, LeadInput(conversation_id="rated-conv", name="Rita", email="rita@acme.com", consent=True)
    )
    with db.session_scope(engine) as session:
        session.add(AnswerRating(conversation_id="rated-conv", message_at=1.0, helpful=True))
        session.add(AnswerRating(conversation_id="someone-else", message_at=1.0, helpful=False))
    counts = privacy.forget("rita@acme.com", engine=engine, tracker_url=tracker_db)
    assert counts["ratings"] == 1
    with db.session_scope(engine) as session:
        assert [r.conversation_id for r in session.query(AnswerRating)] == ["someone-else"]
