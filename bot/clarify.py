"""What to do when NLU is unsure: ask which of the close candidates was meant, or say honestly
that this is not something the assistant can help with.

Rasa's FallbackClassifier replaces the intent with `nlu_fallback` when the top confidence is
low or the top two are close (thresholds in config.yml, calibrated by bench.nlu_select);
the ranking underneath is kept. `decide` reads that ranking:
  - the best guess is in scope and not hopeless (confidence >= MIN_TOP): "Did you mean A,
    or B?" with a button per in-scope candidate (up to three) and "Something else";
  - otherwise (the best guess is out of scope, or nothing stands out): the honest
    "I can't help with that" answer with what the assistant can do.
The sentences live in domain.yml (utter_clarify, utter_out_of_scope); this module holds the
labels of the intents, one place for all of them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

# intent -> (how the question names it, button title)
INTENT_LABELS: dict[str, tuple[str, str]] = {
    "ask_difference_overview": ("the difference between outsourcing and managed services", "The difference"),
    "ask_scope_responsibility": ("who is responsible for what", "Scope & responsibility"),
    "ask_proactivity": ("how proactive the provider is", "Proactivity"),
    "ask_billing_model": ("how each model is billed", "Billing model"),
    "ask_relationship": ("the kind of relationship", "Relationship"),
    "ask_service_examples": ("typical services in each model", "Typical services"),
    "ask_catalogue_service": ("the services we offer", "Our services"),
    "ask_service_price": ("our prices", "Our prices"),
    "ask_service_sla": ("our SLAs and response times", "Our SLAs"),
    "request_sales_contact": ("talking to our sales team", "Talk to sales"),
    "help": ("what I can help with", "What can you do?"),
    "ask_advice": ("which model fits your situation", "Which fits us?"),
    # not `faq`: a button cannot carry the fact the visitor meant, so it gets no candidate
}
SOMETHING_ELSE = {"title": "Something else", "payload": "/help"}
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
    return ", ".join(labels[:-1]) + ", or " + labels[-1]


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
