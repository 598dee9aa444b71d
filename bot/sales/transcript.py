"""A conversation's transcript, read straight from Rasa's SQLTrackerStore tables.

Plain SQL on the `events` table (id, sender_id, type_name, timestamp, data) keeps the
CLI free of a Rasa import and works while Rasa is not running.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from bot import db
from bot.settings import get_settings

_WHO = {"user": "visitor", "bot": "bot"}


@dataclass(frozen=True)
class Line:
    time: datetime | None
    who: str  # "visitor" | "bot"
    text: str


def _text_of(data: str | None) -> str:
    try:
        event = json.loads(data or "{}")
    except ValueError:
        return ""
    body = event.get("text") or ""
    # Quick-reply buttons are part of what the visitor saw.
    buttons = (event.get("data") or {}).get("buttons") if isinstance(event.get("data"), dict) else None
    if buttons:
        titles = [str(b.get("title", "")) for b in buttons if isinstance(b, dict)]
        body = f"{body} [{' | '.join(t for t in titles if t)}]".strip()
    return body


def read_transcript(conversation_id: str, tracker_url: str | None = None) -> list[Line]:
    """[(time, who, text), ...] in the order Rasa stored them; [] if nothing is there."""
    rows = db.tracker_events(
        tracker_url or get_settings().tracker_db_url,
        "SELECT timestamp, type_name, data FROM events "
        "WHERE sender_id = :sid AND type_name IN ('user', 'bot') ORDER BY id",
        {"sid": conversation_id},
    )
    lines = []
    for timestamp, type_name, data in rows:
        body = _text_of(data)
        if not body:
            continue  # e.g. a bot event carrying only a custom payload
        when = datetime.fromtimestamp(timestamp, timezone.utc) if timestamp is not None else None
        lines.append(Line(when, _WHO[type_name], body))
    return lines
