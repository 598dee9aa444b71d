"""Which knowledge answer to give: topic and side, from the question and its context.

The answer texts live in domain.yml (responses `utter_<topic>`, `utter_<topic>_<side>`),
written from shared/seed/it-outsourcing-vs-managed-services.txt. This module only
decides which one fits, so it can be tested without Rasa.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text import buttons, messages

SIDES = ("managed_services", "it_outsourcing")

# intent -> topic; the topic names are the values of the `topic` slot
TOPIC_BY_INTENT = {
    "ask_difference_overview": "overview",
    "ask_scope_responsibility": "scope_responsibility",
    "ask_proactivity": "proactivity",
    "ask_billing_model": "billing_model",
    "ask_relationship": "relationship",
    "ask_service_examples": "service_examples",
}
TOPICS = tuple(TOPIC_BY_INTENT.values())
INTENT_BY_TOPIC = {topic: intent for intent, topic in TOPIC_BY_INTENT.items()}

# topic -> its button title (data/messages/<language>.yml, knowledge.topic.*)
TOPIC_TITLES = messages.section("knowledge.topic")
SALES_BUTTON = buttons.SALES
ADVICE_BUTTON = buttons.ADVICE
# after this many different topics the visitor is offered the sourcing advisor (once)
TOPICS_BEFORE_ADVICE = 2

# "and outsourcing?", "what about the billing?", "how about msp" continue the
# conversation; a full question ("how is the relationship different?") starts afresh.
_FOLLOW_UP = re.compile(rf"^\s*({messages.pattern('follow_up_openers')})\b", re.I)
# "summarize the difference in one sentence", "tl;dr?", "in a nutshell": the article's summary, short
_BRIEF = re.compile(
    r"\b(one|1|a single|single) (sentence|line|liner)\b|\bone[- ]liner\b|\btl;? ?dr\b|\bin a nutshell\b|"
    r"\b(short|brief|quick) (version|answer|summary)\b|\bbriefly\b|\bsum(marize|marise| up)\b|\bin short\b",
    re.I,
)
BRIEF_RESPONSE = "utter_overview_brief"


@dataclass(frozen=True)
class Answer:
    topic: str
    side: str | None  # None: both sides
    brief: bool = False  # the one-sentence summary of the difference

    @property
    def response(self) -> str:
        if self.brief:
            return BRIEF_RESPONSE
        return f"utter_{self.topic}" + (f"_{self.side}" if self.side else "")


def asks_brief(text: str | None) -> bool:
    """'summarize the difference in one sentence', 'tl;dr', 'in a nutshell?'."""
    return bool(text and _BRIEF.search(text))


def is_follow_up(text: str | None) -> bool:
    return bool(text and _FOLLOW_UP.search(text))


def resolve(
    intent: str | None,
    sides_mentioned: list[str],
    text: str | None,
    last_topic: str | None,
    last_side: str | None,
) -> Answer:
    """Pick the answer for this turn.

    - A question about a topic gets that topic; about one side, that side; a general
      one, both sides - unless it is a follow-up fragment, which keeps the side.
    - A bare follow-up (`inform`: "and outsourcing?") keeps the last topic.
    - Both sides named ("msp vs outsourcing") means both.
    """
    sides = [s for s in dict.fromkeys(sides_mentioned) if s in SIDES]
    topic = TOPIC_BY_INTENT.get(intent or "")
    if topic is None:
        topic = last_topic if last_topic in TOPICS else "overview"
    if len(sides) == 1:
        side = sides[0]
    elif len(sides) > 1:
        side = None
    elif intent not in TOPIC_BY_INTENT or is_follow_up(text):
        side = last_side if last_side in SIDES else None
    else:
        side = None
    return Answer(topic, side, brief=topic == "overview" and side is None and asks_brief(text))


def buttons_after(topic: str) -> list[dict]:
    """Quick replies to the other topics, then (after the overview) the advisor, then sales."""
    others = [{"title": TOPIC_TITLES[t], "payload": f"/{INTENT_BY_TOPIC[t]}"} for t in TOPICS if t != topic]
    return others + ([ADVICE_BUTTON] if topic == "overview" else []) + [SALES_BUTTON]


def topics_read(before: object, topic: str) -> list[str]:
    """The distinct topics read so far, this one included (a slot value from outside: checked)."""
    earlier = [t for t in before if t in TOPICS] if isinstance(before, list) else []
    return list(dict.fromkeys(earlier + [topic]))


def offer_advice(read: list[str], offered: bool, advised: bool) -> bool:
    """Offer the advisor once, after TOPICS_BEFORE_ADVICE topics, to a visitor not yet advised."""
    return len(read) >= TOPICS_BEFORE_ADVICE and not offered and not advised
