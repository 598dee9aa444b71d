"""What to do when NLU is unsure: ask which of the close candidates was meant, or say honestly
that this is not something the assistant can help with.

Rasa's FallbackClassifier replaces the intent with `nlu_fallback` when the top confidence is
low or the top two are close (thresholds in config.yml, calibrated by bench.nlu_select);
the ranking underneath is kept. `decide` reads that ranking:
  - the best guess is in scope and not hopeless (confidence >= MIN_TOP): "Did you mean A,
    or B?" with a button per in-scope candidate (up to three) and "Something else";
  - otherwise (the best guess is out of scope, or nothing stands out): the honest
    "I can't help with that" answer with what the assistant can do.
The sentences live in domain.yml (utter_clarify, utter_out_of_scope), the labels of the intents
in the message catalogue (clarify.*).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from bot.text import buttons, messages

# intent -> (how the question names it, button title): data/messages/<language>.yml, clarify.*
# (not `faq`: a button cannot carry the fact the visitor meant, so it gets no candidate)
_QUESTIONS = messages.section("clarify.question")
_BUTTONS = messages.section("clarify.button")
INTENT_LABELS: dict[str, tuple[str, str]] = {
    intent: (_QUESTIONS[intent], _BUTTONS[intent]) for intent in _QUESTIONS
}
SOMETHING_ELSE = buttons.SOMETHING_ELSE
# entities carried into a candidate's button, so "our prices" still knows the service
CARRIED_ENTITIES = ("service", "sourcing_model")

# Calibrated with bench.nlu_select on out-of-fold predictions of the training data.
MIN_TOP = 0.30  # below this the best guess is a guess: say what we can help with instead
MIN_CANDIDATE = 0.12  # a further candidate below this is not worth a button
MAX_CANDIDATES = 3


@dataclass(frozen=True)
class Clarification:
    kind: str  # "clarify" or "out_of_scope"
    response: str
    options: str = ""
    buttons: list[dict] = field(default_factory=list)


def _payload(intent: str, entities: dict[str, str]) -> str:
    return f"/{intent}" + (json.dumps(entities, separators=(",", ":")) if entities else "")


def options_text(labels: list[str]) -> str:
    """'A', 'A, or B', 'A, B, or C'."""
    if len(labels) <= 1:
        return "".join(labels)
    return (
        messages.text("clarify.options.separator").join(labels[:-1])
        + messages.text("clarify.options.last")
        + labels[-1]
    )


def decide(ranking: list[dict], entities: list[dict] | None = None) -> Clarification:
    """The reply to an unsure prediction; `ranking` is Rasa's intent_ranking (any order)."""
    ranked = sorted(
        (r for r in ranking if r.get("name") and r["name"] != "nlu_fallback"),
        key=lambda r: -float(r.get("confidence") or 0.0),
    )
    if (
        not ranked
        or ranked[0]["name"] not in INTENT_LABELS
        or float(ranked[0].get("confidence") or 0.0) < MIN_TOP
    ):
        return Clarification("out_of_scope", "utter_out_of_scope")
    in_scope = [
        r
        for r in ranked[:MAX_CANDIDATES]
        if r["name"] in INTENT_LABELS and float(r.get("confidence") or 0.0) >= MIN_CANDIDATE
    ]
    carried: dict[str, str] = {}
    for entity in entities or []:
        if entity.get("entity") in CARRIED_ENTITIES and entity.get("value"):
            carried.setdefault(entity["entity"], str(entity["value"]))
    buttons = [
        {"title": INTENT_LABELS[c["name"]][1], "payload": _payload(c["name"], carried)} for c in in_scope
    ]
    return Clarification(
        "clarify",
        "utter_clarify",
        options_text([INTENT_LABELS[c["name"]][0] for c in in_scope]),
        buttons + [SOMETHING_ELSE],
    )
