"""GDPR: erase a person (forget), give a person their data (export_person), and delete
what is older than the retention period (purge).

A person is found by e-mail address or phone number: in the sales tables (contacts,
leads, outbox), in the lead spool, and in Rasa's tracker store, where any conversation
whose events mention the address or number counts, with a lead or without one (a
visitor who typed an e-mail and then cancelled the form left it in the slot events).
Conversations are deleted whole, by their full sender id: lead rows hold at most 255
characters of it, so longer ids are matched by that prefix.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from sqlalchemy import bindparam, create_engine, delete, inspect, select, text
from sqlalchemy.engine import Connection, Engine

from bot import db
from bot.db import utcnow
from bot.ratings import AnswerRating
from bot.sales import repository, serialize, spool, transcript, validation
from bot.sales.models import Contact, Lead, OutboxItem, as_utc
from bot.settings import get_settings

CONVERSATION_ID_CHARS = 255  # leads.conversation_id keeps this much of a sender id
_CHUNK = 200


def identify(email_or_phone: str) -> tuple[str, str | None, str | None]:
    """(contact key, e-mail, phone) for what sales typed."""
    text_ = (email_or_phone or "").strip()
    if "@" in text_:
        try:
            email = validation.validate_email(text_)[0]
        except validation.InvalidInput:
            email = text_.lower()  # still erase whatever was stored under the literal text
        return repository.contact_key(email, None), email, None
    try:
        phone = validation.validate_phone(text_)
    except validation.InvalidInput:
        raise validation.InvalidInput(
            f"{text_!r} is neither an e-mail address nor a phone number with country code"
        ) from None
    return repository.contact_key(None, phone), None, phone


# ----------------------------------------------------------------- tracker store


def _tracker(url: str | None) -> Engine:
    return create_engine(url or get_settings().tracker_db_url, future=True)


def _has_events(engine: Engine) -> bool:
    return inspect(engine).has_table("events")


def _like_pattern(needle: str) -> str:
    """A LIKE pattern for `needle` as it appears inside Rasa's JSON event data."""
    as_json = json.dumps(needle.lower())[1:-1]  # non-ASCII is \\u-escaped there too
    escaped = as_json.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def conversations_mentioning(conn: Connection, needles: Iterable[str]) -> set[str]:
    """Sender ids of conversations with an event whose data contains a needle (any case)."""
    found: set[str] = set()
    for needle in needles:
        if needle:
            rows = conn.execute(
                text("SELECT DISTINCT sender_id FROM events WHERE lower(data) LIKE :pattern ESCAPE '\\'"),
                {"pattern": _like_pattern(needle)},
            )
            found.update(row[0] for row in rows)
    return found


def conversations_of(conn: Connection, conversation_ids: Iterable[str]) -> set[str]:
    """Full sender ids for lead conversation ids (which may be cut at 255 characters)."""
    found: set[str] = set()
    for cid in conversation_ids:
        if len(cid) >= CONVERSATION_ID_CHARS:
            query = text("SELECT DISTINCT sender_id FROM events WHERE substr(sender_id, 1, :n) = :cid")
            found.update(r[0] for r in conn.execute(query, {"n": CONVERSATION_ID_CHARS, "cid": cid}))
        else:
            query = text("SELECT DISTINCT sender_id FROM events WHERE sender_id = :cid")
            found.update(r[0] for r in conn.execute(query, {"cid": cid}))
    return found


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def delete_conversations(conn: Connection, sender_ids: Iterable[str]) -> int:
    """Delete every event of these conversations; returns the number of events."""
    query = text("DELETE FROM events WHERE sender_id IN :ids").bindparams(bindparam("ids", expanding=True))
    return sum(conn.execute(query, {"ids": chunk}).rowcount for chunk in _chunks(sorted(set(sender_ids))))


def _person_conversations(
    conn: Connection, lead_conversations: Iterable[str], email: str | None, phone: str | None
) -> set[str]:
    mentioning = conversations_mentioning(conn, [email or "", phone or ""])
    return conversations_of(conn, lead_conversations) | mentioning


# ----------------------------------------------------------------- sales tables


def _person_rows(session, key: str, email: str | None, phone: str | None):
    same = (Contact.email == email) if email else (Contact.phone == phone)
    contacts = list(session.scalars(select(Contact).where((Contact.key == key) | same)))
    lead_filter = (Lead.email == email) if email else (Lead.phone == phone)
    if contacts:
        lead_filter = lead_filter | Lead.contact_id.in_([c.id for c in contacts])
    leads = list(session.scalars(select(Lead).where(lead_filter).order_by(Lead.created_at, Lead.id)))
    return contacts, leads


def _delete_leads(session, lead_ids: list[int]) -> tuple[int, int]:
    if not lead_ids:
        return 0, 0
    outbox = session.execute(delete(OutboxItem).where(OutboxItem.lead_id.in_(lead_ids))).rowcount
    leads = session.execute(delete(Lead).where(Lead.id.in_(lead_ids))).rowcount
    return leads, outbox


def forget(
    email_or_phone: str, engine: Engine | None = None, tracker_url: str | None = None, spool_dir=None
) -> dict[str, int]:
    """Erase a person: leads, contact, outbox rows, spooled leads and every conversation
    that mentions their e-mail address or phone number.

    Returns counts: {"leads", "contacts", "outbox", "spooled", "conversations", "events"}.
    """
    key, email, phone = identify(email_or_phone)
    counts = {"leads": 0, "contacts": 0, "outbox": 0, "spooled": 0, "conversations": 0, "events": 0}
    with db.session_scope(engine or db.get_engine()) as session:
        contacts, leads = _person_rows(session, key, email, phone)
        lead_conversations = [lead.conversation_id for lead in leads]
        counts["leads"], counts["outbox"] = _delete_leads(session, [lead.id for lead in leads])
        if contacts:
            counts["contacts"] = session.execute(
                delete(Contact).where(Contact.id.in_([c.id for c in contacts]))
            ).rowcount
    counts["spooled"] = spool.forget(email, phone, spool_dir)
    # After the sales rows are gone: a tracker failure must not resurrect them.
    conversations: set[str] = set()
    tracker = _tracker(tracker_url)
    try:
        if _has_events(tracker):
            with tracker.begin() as conn:
                conversations = set(_person_conversations(conn, lead_conversations, email, phone))
                counts["conversations"] = len(conversations)
                counts["events"] = delete_conversations(conn, conversations)
    finally:
        tracker.dispose()
    counts["ratings"] = _delete_ratings(engine, conversations | set(lead_conversations))
    return counts


def _delete_ratings(engine: Engine | None, conversations) -> int:
    """Ratings of answers in the conversations (they go with the conversation)."""
    ids = {cid[:CONVERSATION_ID_CHARS] for cid in conversations}
    if not ids:
        return 0
    with db.session_scope(engine or db.get_engine()) as session:
        return session.execute(delete(AnswerRating).where(AnswerRating.conversation_id.in_(ids))).rowcount


def _iso(value: datetime | None) -> str | None:
    when = as_utc(value)
    return when.isoformat() if when else None


def export_person(
    email_or_phone: str, engine: Engine | None = None, tracker_url: str | None = None, spool_dir=None
) -> dict:
    """Everything stored about one person, as JSON-ready data (GDPR art. 15)."""
    key, email, phone = identify(email_or_phone)
    with db.session_scope(engine or db.get_engine()) as session:
        contacts, leads = _person_rows(session, key, email, phone)
        contact_data = [
            {
                "id": c.id,
                "email": c.email,
                "phone": c.phone,
                "name": c.name,
                "company": c.company,
                "created_at": _iso(c.created_at),
            }
            for c in contacts
        ]
        lead_data = [serialize.lead_to_dict(lead) for lead in leads]
    spooled = []
    for path in spool.pending(spool_dir):
        data = spool.read(path)
        if (email and (data.email or "").strip().lower() == email) or (phone and data.phone == phone):
            spooled.append({k: v for k, v in vars(data).items() if k != "client_key"})
    conversations = []
    tracker = _tracker(tracker_url)
    try:
        if _has_events(tracker):
            with tracker.connect() as conn:
                lead_conversations = [lead["conversation_id"] for lead in lead_data]
                ids = _person_conversations(conn, lead_conversations, email, phone)
            for sender_id in sorted(ids):
                lines = transcript.read_transcript(sender_id, tracker_url)
                conversations.append(
                    {
                        "conversation_id": sender_id,
                        "transcript": [
                            {
                                "time": line.time.isoformat() if line.time else None,
                                "who": line.who,
                                "text": line.text,
                            }
                            for line in lines
                        ],
                    }
                )
    finally:
        tracker.dispose()
    return {
        "subject": email or phone,
        "exported_at": utcnow().isoformat(),
        "contacts": contact_data,
        "leads": lead_data,
        "spooled_leads": spooled,
        "conversations": conversations,
    }


def purge(
    older_than_days: float,
    engine: Engine | None = None,
    tracker_url: str | None = None,
    now: datetime | None = None,
) -> dict[str, int]:
    """Retention: delete leads created before the cut-off with their conversations and
    outbox rows, contacts left without leads, and conversations without a lead whose
    last event is older than the cut-off.

    Returns counts: {"leads", "contacts", "outbox", "conversations", "events"}.
    """
    if older_than_days < 0:
        raise validation.InvalidInput("--older-than must be 0 days or more")
    cutoff = (now or utcnow()) - timedelta(days=older_than_days)
    counts = {"leads": 0, "contacts": 0, "outbox": 0, "conversations": 0, "events": 0}
    with db.session_scope(engine or db.get_engine()) as session:
        old = session.execute(select(Lead.id, Lead.conversation_id).where(Lead.created_at < cutoff)).all()
        counts["leads"], counts["outbox"] = _delete_leads(session, [row.id for row in old])
        orphans = select(Contact.id).where(~select(Lead.id).where(Lead.contact_id == Contact.id).exists())
        counts["contacts"] = session.execute(
            delete(Contact).where(Contact.id.in_(orphans)).execution_options(synchronize_session=False)
        ).rowcount
        kept = set(session.scalars(select(Lead.conversation_id)))
    tracker = _tracker(tracker_url)
    try:
        if _has_events(tracker):
            with tracker.begin() as conn:
                doomed = conversations_of(conn, [row.conversation_id for row in old])
                stale = conn.execute(
                    text("SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cut"),
                    {"cut": cutoff.timestamp()},
                ).scalars()
                doomed.update(
                    sid for sid in stale if sid not in kept and sid[:CONVERSATION_ID_CHARS] not in kept
                )
                counts["conversations"] = len(doomed)
                counts["events"] = delete_conversations(conn, doomed)
                counts["ratings"] = _delete_ratings(engine, doomed)
    finally:
        tracker.dispose()
    return counts
