"""What the visitor hears when the action server cannot answer (down, restarting or too slow).

The Rasa server (bot.rasa_fixes) asks `fallback_for` instead of leaving the visitor in silence:
- the article's answers need no action server: a knowledge question gets its plain response (the
  topic and side read by bot.knowledge, as action_answer_knowledge would), an unsure one its
  clarifying question (bot.clarify), a company fact its fact (bot.facts), "not sure" the advisor's
  offer, a pause of the advisor its offer to carry on;
- a lead form or the advisor says it cannot take the answer down now, keeps what it has (the form
  stays where it was, so the lead resumes after recovery), and "stop" still stops;
- everything else (catalogue, prices, terms) gets an honest "can't look that up right now" and the
  way to sales.
Pure: no Rasa, no network. `Outage` tells the first failure and the recovery apart, so operators
get one alert per outage (bot.sales.incidents), not one per message.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot import clarify, facts, knowledge
from bot.dialogue import follow_up

FORM_NOTICE = "utter_unavailable_form"
LOOKUP_NOTICE = "utter_unavailable_lookup"
KNOWLEDGE_ACTIONS = frozenset({"action_answer_knowledge", "action_follow_up"})
# actions of the lead form and the advisor (their questions and checks are action_ask_*/validate_*)
FORM_ACTIONS = frozenset(
    {
        "action_start_lead",
        "action_submit_lead",
        "action_start_advisor",
        "action_give_advice",
    }
)
CANCEL_ACTIONS = {
    "action_cancel_lead": "utter_lead_cancelled",
    "action_cancel_advisor": "utter_advice_cancelled",
}


@dataclass(frozen=True)
class Fallback:
    response: str  # a domain response
    kwargs: Mapping[str, Any] = field(default_factory=dict)  # its {placeholders}
    buttons: Sequence[Mapping[str, str]] | None = None  # None: the response's own
    slots: Mapping[str, Any] = field(default_factory=dict)
    form: bool = False  # said for a form: said once a turn however many of its actions fail


FORM = Fallback(FORM_NOTICE, form=True)


def is_form_action(action: str) -> bool:
    return action in FORM_ACTIONS or action.startswith(("validate_", "action_ask_"))


def _entities(message: Mapping[str, Any], name: str) -> list[str]:
    return [str(e.get("value")) for e in message.get("entities") or [] if e.get("entity") == name]


def _knowledge(message: Mapping[str, Any], slots: Mapping[str, Any]) -> Fallback:
    text = message.get("text") or ""
    if follow_up.decide(text) == follow_up.NOT_SURE:
        return Fallback("utter_not_sure")
    answer = knowledge.resolve(
        intent=(message.get("intent") or {}).get("name"),
        sides_mentioned=_entities(message, "sourcing_model"),
        text=text,
        last_topic=slots.get("topic"),
        last_side=slots.get("sourcing_model"),
    )
    return Fallback(
        answer.response,
        buttons=knowledge.buttons_after(answer.topic),
        slots={"topic": answer.topic, "sourcing_model": answer.side},
    )


def fallback_for(
    action: str,
    message: Mapping[str, Any],
    slots: Mapping[str, Any],
    known_responses: Collection[str],
    fact_min_confidence: float,
    form_slots: Sequence[str] = (),
) -> Fallback:
    """What to say (and which slots to set) for `action` without the action server."""
    if action in KNOWLEDGE_ACTIONS:
        return _knowledge(message, slots)
    if action == "action_clarify":
        decision = clarify.decide(message.get("intent_ranking") or [], message.get("entities") or [])
        if decision.kind == "clarify":
            return Fallback(decision.response, {"options": decision.options}, decision.buttons)
        return Fallback(decision.response)
    if action == "action_answer_fact":
        return Fallback(
            facts.response_for(message.get("response_selector"), known_responses, fact_min_confidence)
        )
    if action == "action_pause_advisor":
        return Fallback("utter_advice_paused", slots={"advice_paused": True})
    if action in CANCEL_ACTIONS:
        return Fallback(CANCEL_ACTIONS[action], slots=dict.fromkeys(form_slots))
    if is_form_action(action):
        return FORM
    return Fallback(LOOKUP_NOTICE)


class Outage:
    """The action server's state as this process saw it: down from the first failure to the next
    success. `failed` and `recovered` say True only on the change, so each outage is told once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.down_since: float | None = None

    def failed(self) -> bool:
        with self._lock:
            if self.down_since is not None:
                return False
            self.down_since = time.time()
            return True

    def recovered(self) -> bool:
        with self._lock:
            if self.down_since is None:
                return False
            self.down_since = None
            return True
