"""Visitors' ratings of knowledge answers: helpful or not helpful.

The client never names the message it rates. A rating arrives as an ordinary message of
the conversation (the widget's buttons send /rate_helpful or /rate_unhelpful, and typed
feedback such as "that didn't help" is classified the same way), so it can only ever
refer to that conversation's own tracker; and it counts only for the knowledge answer the
bot gave in the turn just before it. The row keeps a reference to that bot message (the
conversation and the event's timestamp, as in Rasa's `events` table) and its response name.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Boolean, Column, DateTime, Float, Integer, String, UniqueConstraint
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db import Base, utcnow

log = logging.getLogger(__name__)

# the actions that give knowledge answers: the question itself, and a follow-up ("and outsourcing?")
KNOWLEDGE_ACTIONS = frozenset({"action_answer_knowledge", "action_follow_up"})
RATING_PROMPT = "utter_rate_answer"  # sent after each knowledge answer
# intent -> helpful?
RATING_INTENTS = {"rate_helpful": True, "rate_unhelpful": False}


class AnswerRating(Base):
    """One rating of one bot message (created by revision 0004_alerts)."""

    __tablename__ = "answer_ratings"
    __table_args__ = (UniqueConstraint("conversation_id", "message_at", name="uq_answer_ratings_message"),)

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), nullable=False)
    message_at = Column(Float, nullable=False)  # the rated bot event's timestamp
    response = Column(String(100), nullable=True)  # e.g. utter_billing_model_managed_services
    topic = Column(String(32), nullable=True)
    helpful = Column(Boolean, nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)


@dataclass(frozen=True)
class RatedMessage:
    at: float
    response: str | None
    topic: str | None


def rated_message(events: Iterable[dict[str, Any]]) -> RatedMessage | None:
    """The knowledge answer that the conversation's latest user message rates, if any.

    `events` are the tracker's events (dicts, as rasa-sdk hands them over), ending with
    the rating itself. Only the bot turn between the previous user message and the rating
    is considered: a rating of an older answer, a second rating, or a rating after any
    other reply finds nothing.
    """
    events = list(events)
    users = [i for i, event in enumerate(events) if event.get("event") == "user"]
    if not users:
        return None
    start = users[-2] + 1 if len(users) > 1 else 0
    action, topic, found = None, None, None
    for event in events[start : users[-1]]:
        kind = event.get("event")
        if kind == "action":
            action = event.get("name")
        elif kind == "bot" and action in KNOWLEDGE_ACTIONS and event.get("text"):
            response = (event.get("metadata") or {}).get("utter_action")
            found = (event.get("timestamp"), str(response)[:100] if response else None)
        elif kind == "slot" and event.get("name") == "topic" and action in KNOWLEDGE_ACTIONS:
            topic = event.get("value")
    if not found or not isinstance(found[0], int | float):
        return None
    return RatedMessage(
        at=float(found[0]), response=found[1], topic=str(topic)[:32] if isinstance(topic, str) else None
    )


def record(engine: Engine, conversation_id: str, message: RatedMessage, helpful: bool) -> bool:
    """Store the rating; False when that message was rated already (the first one stands)."""
    now = utcnow()
    with Session(engine, future=True) as session:
        session.add(
            AnswerRating(
                conversation_id=conversation_id[:255],
                message_at=message.at,
                response=message.response,
                topic=message.topic,
                helpful=bool(helpful),
                created_at=now,
            )
        )
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            return False
    return True
