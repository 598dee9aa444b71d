"""Reading a message in the context of the conversation, in the Rasa server.

NLU sees one message at a time: "yes", "the second" or "not sure" mean nothing on their own, and
"we've got one IT guy" reads as off-topic unless you know the advisor asked about IT staff.
`with_context` wraps Rasa's MessageProcessor.parse_message (bot.rasa_fixes installs it): after NLU,
- a short reply that the assistant's last turn settles (bot.dialogue.short_replies) becomes the
  choice it names, with the intent and entities of that button's payload, as if it had been clicked;
- while the advisor is paused (a question was asked mid-way), "continue" or an answer to its next
  question carries it on (`ask_advice`: action_start_advisor resumes, the form reads the answer).
NLU's own reading is kept under `context.nlu` for reports. Everything else is NLU's as it was.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from bot.advisor import form as advisor
from bot.advisor.rules import default_rules
from bot.dialogue import last_turn, short_replies

logger = logging.getLogger(__name__)
MAX_EVENTS = 60  # the last turn is at the tracker's end: never walk a long history
RESUME_ADVISOR = "/ask_advice"


def _tail(tracker: Any) -> list[dict[str, Any]]:
    """The tracker's latest events as dicts, back to (and including) the visitor's last message."""
    events = list(tracker.events)[-MAX_EVENTS:]
    tail = []
    for event in reversed(events):
        as_dict = event.as_dict()
        tail.append(as_dict)
        if as_dict.get("event") == "user":
            break
    return list(reversed(tail))


def payload_parse(text: str, payload: str) -> dict[str, Any] | None:
    """Rasa's parse result for a button payload ('/intent{"entity": "value"}'), keeping the text."""
    option = last_turn.Option("", payload)
    intent = option.intent
    if not intent:
        return None
    entities = [
        {"entity": str(name), "value": value, "start": 0, "end": len(text), "extractor": "context"}
        for name, value in option.entities.items()
        if isinstance(value, (str, int, float, bool))
    ]
    return {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "intent_ranking": [{"name": intent, "confidence": 1.0}],
        "entities": entities,
    }


def read_in_context(parse_data: dict[str, Any], tracker: Any) -> dict[str, Any]:
    """The parse result with a short reply read against the assistant's last turn."""
    text = parse_data.get("text") or ""
    if not isinstance(text, str) or text.startswith("/") or tracker is None:
        return parse_data
    turn = last_turn.last_turn(_tail(tracker))
    in_form = bool(getattr(tracker, "active_loop_name", None))
    payload = short_replies.resolve(text, turn, in_form=in_form)
    if not payload and not in_form and _resumes_advisor(text, tracker):
        payload = RESUME_ADVISOR
    if not payload:
        return parse_data
    chosen = payload_parse(text, payload)
    if chosen is None:
        return parse_data
    nlu = {"intent": parse_data.get("intent"), "entities": parse_data.get("entities")}
    chosen["context"] = {"payload": payload[:200], "nlu": json.loads(json.dumps(nlu, default=str))}
    logger.debug("short reply read as %s", chosen["intent"]["name"])
    return {**parse_data, **chosen}


def _resumes_advisor(text: str, tracker: Any) -> bool:
    """The advisor is paused and the visitor says to carry on, or answers its next question."""
    if not tracker.get_slot(advisor.PAUSED):
        return False
    if short_replies.says_continue(text):
        return True
    rules = default_rules()
    questions = [*rules.questions, advisor.SYSTEMS]
    values = {slot: tracker.get_slot(slot) for slot in [*questions, *advisor.FLAGS]}
    # systems are named from the catalogue by the action server; here only the rules' questions
    return advisor.answers_next_question(rules, questions, values, text, lambda _text: [])


def with_context(original: Callable[..., Any]) -> Callable[..., Any]:
    async def parse_message(
        self: Any, message: Any, tracker: Any = None, only_output_properties: bool = True
    ):
        parse_data = await original(self, message, tracker, only_output_properties)
        try:
            return read_in_context(parse_data, tracker)
        except Exception as exc:  # context is a refinement: never lose the message over it
            logger.error("reading a message in context failed: %s", type(exc).__name__)
            return parse_data

    parse_message.__wrapped__ = original  # type: ignore[attr-defined]
    return parse_message
