"""One visitor message as a form sees it, what the form says back, and how misses are counted.

Shared by the lead form (bot.sales.form) and the sourcing advisor (bot.advisor.form); pure, no
Rasa. The actions build a Turn from the tracker (actions/forms.py), the form's rules return an
Outcome: slots to set and domain responses to say.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.forms import words

SKIPPED = "-"  # stored in a slot the visitor chose to leave empty
NOT_SURE = "not sure"  # an answer that says the visitor doesn't know yet
MAX_ASKS = 2  # a question is asked at most twice
MAX_HISTORY = 20  # earlier visitor messages read for answers given before a form started
# Intents that are a request of their own even without a question mark (a message in
# another language is answered in that language, a rating of the answer just given is
# stored; then the form asks again).
REQUEST_INTENTS = frozenset(
    {
        "help",
        "bot_challenge",
        "request_sales_contact",
        "stop",
        "other_language",
        "rate_helpful",
        "rate_unhelpful",
    }
)


@dataclass(frozen=True)
class Say:
    """A domain response (by name) and the values for its {placeholders}."""

    response: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Check:
    value: Any | None
    hint: Say | None = None


@dataclass
class Outcome:
    slots: dict[str, Any] = field(default_factory=dict)
    say: list[Say] = field(default_factory=list)


@dataclass(frozen=True)
class Turn:
    """One visitor message as the form sees it."""

    text: str  # the message, or the value a button carried
    intent: str | None
    entities: Mapping[str, Sequence[str]]
    requested: str | None  # the pending question
    fresh: bool  # the form runs right after this message, not after a digression
    values: Mapping[str, Any]  # slot values before this message
    digressions: frozenset[str] = frozenset()
    history: Sequence[str] = ()  # earlier visitor messages (for the form's start)

    @property
    def answering(self) -> bool:
        return self.fresh and self.requested is not None

    @property
    def starting(self) -> bool:
        return self.requested is None


def message_text(text: str | None, entities: Mapping[str, Sequence[str]]) -> str:
    """What to read: the value a quick-reply button carried, else what was typed."""
    carried = entities.get("form_value") or ()
    if carried:
        return words.clean(carried[0])
    return "" if (text or "").startswith("/") else words.clean(text)


def fresh_message(events: Sequence[Mapping[str, Any]], form_name: str) -> bool:
    """True when no other action ran between the latest visitor message and the form."""
    not_digressions = {"action_listen", "action_extract_slots", form_name}
    for event in reversed(events):
        if event.get("event") == "user":
            return True
        if event.get("event") == "action" and event.get("name") not in not_digressions:
            return False
    return False


def earlier_messages(events: Sequence[Mapping[str, Any]]) -> list[str]:
    """The visitor's messages before the latest one, newest last (bounded)."""
    texts = [str(e.get("text") or "") for e in events if e.get("event") == "user"]
    return [t for t in texts[:-1] if t and not t.startswith("/")][-MAX_HISTORY:]


def is_digression(turn: Turn) -> bool:
    """A message that doesn't answer the question but asks something of its own."""
    if turn.intent not in turn.digressions:
        return False
    return words.looks_like_question(turn.text) or turn.intent in REQUEST_INTENTS


def count_miss(turn: Turn, attempts_slot: str) -> tuple[dict[str, int], bool]:
    """({question: misses}, True when this was the last ask) after an answer that did not fit."""
    slot = turn.requested or ""
    attempts = dict(turn.values.get(attempts_slot) or {})
    attempts[slot] = attempts.get(slot, 0) + 1
    return attempts, attempts[slot] >= MAX_ASKS


def asked_before(values: Mapping[str, Any], attempts_slot: str, slot: str) -> bool:
    """The question missed once already (its second ask shows a way to skip it)."""
    return (values.get(attempts_slot) or {}).get(slot, 0) >= 1


def value_button(title: str, value: str) -> dict[str, str]:
    """A quick reply that answers the pending question with `value` (read by message_text)."""
    return {"title": title, "payload": "/inform" + json.dumps({"form_value": value}, separators=(",", ":"))}
