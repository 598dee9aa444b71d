"""The figures of the operator report, from Rasa's tracker store and the sales database.

The tracker's `events` table (SQLTrackerStore) is read with plain SQL, as the lead
transcripts are: no Rasa import, and it works while Rasa is down. Every figure that
comes from the conversations is computed by `analyse`, a pure function over event rows,
so it is tested on rows written by real conversations and on hand-made ones alike.

What visitors typed inside the lead form (names, e-mails, companies) never enters the
report: those messages are form answers, not questions. Messages the assistant did not
understand are grouped, bounded and masked with bot.logsafe.redact.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import NamedTuple

import yaml
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot import db
from bot.logsafe import redact
from bot.ratings import RATING_INTENTS, AnswerRating
from bot.sales.models import Lead

FORM = "lead_form"
FALLBACK_ACTIONS = {"action_default_fallback", "utter_default"}
FALLBACK_INTENTS = {"nlu_fallback"}
OFF_TOPIC_INTENTS = {"out_of_scope"}
# A clarifying question ("Did you mean ...?") is any action with one of these in its name.
CLARIFY = re.compile(r"clarif|did_you_mean|two_stage")
NOT_UNDERSTOOD_TOP = 10
MAX_SHOWN_CHARS = 120
SCORE_BANDS = ((0, 19), (20, 39), (40, 59), (60, 79), (80, 100))


class EventRow(NamedTuple):
    sender_id: str
    type_name: str
    timestamp: float | None
    intent_name: str | None
    action_name: str | None
    data: str | None


@dataclass
class Conversations:
    """What the tracker tells about the conversations in the period."""

    per_day: dict[date, int] = field(default_factory=dict)
    topics: Counter = field(default_factory=Counter)  # intent -> questions outside the form
    questions: int = 0  # typed messages outside the form
    fallbacks: int = 0
    clarifications: int = 0  # "did you mean ...?"
    off_topic: int = 0
    not_understood: Counter = field(default_factory=Counter)  # masked text -> times
    form_started: set = field(default_factory=set)
    asked: dict = field(default_factory=lambda: defaultdict(set))  # slot -> conversations
    senders: set = field(default_factory=set)


@dataclass(frozen=True)
class FunnelStep:
    name: str
    reached: int
    dropped: int  # reached this step but not the next


@dataclass
class Report:
    since: datetime
    until: datetime
    conversations: Conversations
    funnel: list[FunnelStep]
    leads_by_band: list[tuple[str, int, int]]  # (band, qualified, not qualified)
    leads_by_owner: Counter
    ratings: dict[str, Counter]  # topic -> Counter(helpful=..., not_helpful=...)

    @property
    def lead_count(self) -> int:
        return sum(q + n for _band, q, n in self.leads_by_band)


def form_questions(domain: Path) -> list[str]:
    """The lead form's questions in the order the domain asks them."""
    content = yaml.safe_load(Path(domain).read_text(encoding="utf-8")) or {}
    return list(((content.get("forms") or {}).get(FORM) or {}).get("required_slots") or [])


def _payload(row: EventRow) -> dict:
    try:
        value = json.loads(row.data or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def shown_text(text: str) -> str:
    """A typed message as the report may show it: one line, masked, bounded."""
    line = " ".join(str(text).split()).strip().rstrip("?!. ").lower()
    line = redact(line)
    return line if len(line) <= MAX_SHOWN_CHARS else line[: MAX_SHOWN_CHARS - 1] + "…"


def analyse(rows: Iterable[EventRow], questions: list[str]) -> Conversations:
    """Walk each conversation's events in order (rows sorted by sender, then id)."""
    out = Conversations()
    first_day: dict[str, date] = {}
    in_form: dict[str, bool] = {}
    pending: dict[str, tuple[str | None, str]] = {}  # sender -> (intent, text) awaiting its reply

    def settle(sender: str, action: str | None) -> None:
        intent, typed = pending.pop(sender)
        if action and CLARIFY.search(action):
            out.clarifications += 1
        elif intent in FALLBACK_INTENTS or action in FALLBACK_ACTIONS:
            out.fallbacks += 1
        elif intent in OFF_TOPIC_INTENTS:
            out.off_topic += 1
        else:
            return
        out.not_understood[shown_text(typed)] += 1

    for row in rows:
        sender = row.sender_id
        out.senders.add(sender)
        if row.type_name == "active_loop":
            in_form[sender] = _payload(row).get("name") == FORM
            if in_form[sender]:
                out.form_started.add(sender)
        elif row.type_name == "slot" and in_form.get(sender):
            event = _payload(row)
            if event.get("name") == "requested_slot" and event.get("value") in questions:
                out.asked[event["value"]].add(sender)
        elif row.type_name == "user":
            if sender not in first_day and row.timestamp is not None:
                first_day[sender] = datetime.fromtimestamp(row.timestamp, timezone.utc).date()
            typed = str(_payload(row).get("text") or "")
            intent = row.intent_name
            if in_form.get(sender) or intent in RATING_INTENTS or typed.startswith("/") or not typed:
                continue  # a form answer, a rating or a button: not a question
            out.questions += 1
            if intent not in FALLBACK_INTENTS:
                out.topics[intent or "unknown"] += 1
            pending[sender] = (intent, typed)
        elif row.type_name == "action" and sender in pending and row.action_name != "action_listen":
            settle(sender, row.action_name)
    for sender in list(pending):
        settle(sender, None)
    for day in first_day.values():
        out.per_day[day] = out.per_day.get(day, 0) + 1
    return out


def funnel(conversations: Conversations, questions: list[str], submitted: set[str]) -> list[FunnelStep]:
    """Start, each question, submit: who got at least that far, and who left there."""
    steps = [("form started", conversations.form_started)]
    steps += [(slot, conversations.asked.get(slot, set())) for slot in questions]
    steps += [("submitted", submitted & conversations.senders)]
    reached = []
    later: set[str] = set()
    for name, who in reversed(steps):  # at a step = there, or at any later step
        later = later | who
        reached.append((name, len(later)))
    reached.reverse()
    return [
        FunnelStep(name, count, count - (reached[i + 1][1] if i + 1 < len(reached) else count))
        for i, (name, count) in enumerate(reached)
    ]


def read_events(tracker_url: str, since: datetime) -> list[EventRow]:
    rows = db.tracker_events(
        tracker_url,
        "SELECT sender_id, type_name, timestamp, intent_name, action_name, data FROM events "
        "WHERE timestamp >= :since ORDER BY sender_id, id",
        {"since": since.timestamp()},
    )
    return [EventRow(*row) for row in rows]


def _band(score: int) -> str:
    for low, high in SCORE_BANDS:
        if low <= score <= high:
            return f"{low}-{high}"
    return "other"


def read_sales(engine: Engine, since: datetime):
    """(leads by score band, leads by owner, ratings by topic, conversation ids with a lead)."""
    bands = {f"{low}-{high}": [0, 0] for low, high in SCORE_BANDS}
    owners: Counter = Counter()
    ratings: dict[str, Counter] = defaultdict(Counter)
    with Session(engine, future=True) as session:
        leads = session.execute(
            select(Lead.score, Lead.qualified, Lead.owner, Lead.conversation_id).where(
                Lead.created_at >= since
            )
        ).all()
        rated = session.execute(
            select(AnswerRating.topic, AnswerRating.helpful).where(AnswerRating.created_at >= since)
        ).all()
    for score, qualified, owner, _cid in leads:
        bands.setdefault(_band(score), [0, 0])[0 if qualified else 1] += 1
        owners[owner or "unassigned"] += 1
    for topic, helpful in rated:
        ratings[topic or "other"]["helpful" if helpful else "not_helpful"] += 1
    return (
        [(band, q, n) for band, (q, n) in bands.items()],
        owners,
        dict(ratings),
        {cid for *_rest, cid in leads},
    )


def build(
    tracker_url: str, sales: Engine, domain: Path, since: datetime, until: datetime | None = None
) -> Report:
    questions = form_questions(domain)
    conversations = analyse(read_events(tracker_url, since), questions)
    bands, owners, ratings, submitted = read_sales(sales, since)
    return Report(
        since=since,
        until=until or datetime.now(timezone.utc),
        conversations=conversations,
        funnel=funnel(conversations, questions, submitted),
        leads_by_band=bands,
        leads_by_owner=owners,
        ratings=ratings,
    )


def parse_since(value: str, now: datetime | None = None) -> datetime:
    """ "7d", "24h", "2w" (ago) or an ISO date such as 2024-05-01 (UTC midnight)."""
    now = now or datetime.now(timezone.utc)
    match = re.fullmatch(r"\s*(\d{1,4})\s*([hdw])\s*", value or "")
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        return (
            now
            - {"h": timedelta(hours=amount), "d": timedelta(days=amount), "w": timedelta(weeks=amount)}[unit]
        )
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"--since takes 7d, 24h, 2w or a date like 2024-05-01, not {value!r}") from None
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
