"""What the advisor says with its advice, and what it hands to sales. Pure, no Rasa, no SQL.

The sentences around the advice are domain responses (utter_advice_*); this module fills their
{placeholders} from the scorer's result and the catalogue services it matched, and keeps the
advice the lead form stores with a lead (bounded, so a tampered slot can't bloat a lead).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.advisor.rules import RECOMMENDATIONS, Rules
from bot.advisor.scorer import Advice
from bot.catalogue.answers import starting_price
from bot.catalogue.queries import ServiceInfo
from bot.forms.turns import NOT_SURE, Say

SALES_BUTTON = {"title": "Talk to sales", "payload": "/request_sales_contact"}
ESTIMATE_BUTTON = {"title": "What would it cost?", "payload": "/ask_cost_estimate"}
TERMS_BUTTON = {"title": "Contract terms", "payload": "/ask_contract_terms"}
AGAIN_BUTTON = {"title": "Start over", "payload": "/ask_advice"}
MAX_REASONS = 6
MAX_TEXT = 300


def reasons_text(advice: Advice) -> str:
    """'Scope and responsibility: you need ..., so .... Proactivity: ...'"""
    return " ".join(f"{r.title}: {r.text}." for r in advice.reasons)


def services_text(services: Sequence[ServiceInfo]) -> str:
    """'Managed servers from EUR 1,200 per month; Managed helpdesk from EUR 1,100 per month'"""
    return "; ".join(f"{s.name} {starting_price(s)}" for s in services)


def messages(rules: Rules, advice: Advice, services: Sequence[ServiceInfo]) -> list[tuple[Say, list[dict]]]:
    """The advice as domain responses with their buttons: the recommendation and its reasons,
    then the matching services with their "from" prices; or what the advice depends on."""
    if advice.recommendation is None:
        depends = "; and ".join(advice.depends_on)
        return [(Say("utter_advice_depends", {"depends": depends}), [SALES_BUTTON, AGAIN_BUTTON])]
    said = [(Say("utter_advice_recommendation", {
        "recommendation": rules.recommendations[advice.recommendation], "reasons": reasons_text(advice)}), [])]
    if services:
        said.append((Say("utter_advice_services", {"services": services_text(services)}),
                     [SALES_BUTTON, ESTIMATE_BUTTON, TERMS_BUTTON, AGAIN_BUTTON]))
    else:
        said.append((Say("utter_advice_next"), [SALES_BUTTON, TERMS_BUTTON, AGAIN_BUTTON]))
    return said


def stored(advice: Advice) -> dict[str, Any]:
    """The advice as the `advice` slot and the lead keep it (model, reasons, services)."""
    return {
        "recommendation": advice.recommendation,
        "reasons": [f"{r.title}: {r.text}" for r in advice.reasons],
        "depends_on": list(advice.depends_on),
        "services": list(advice.services),
    }


def _texts(value: Any, limit: int) -> list[str]:
    if not isinstance(value, list):
        return []
    return [" ".join(str(v).split())[:MAX_TEXT] for v in value[:limit] if isinstance(v, str) and v.strip()]


def sanitized(value: Any) -> dict[str, Any] | None:
    """A stored advice read back from a slot: only known keys, bounded; None if it is no advice."""
    if not isinstance(value, Mapping):
        return None
    recommendation = value.get("recommendation")
    if recommendation not in RECOMMENDATIONS:
        recommendation = None
    out = {"recommendation": recommendation, "reasons": _texts(value.get("reasons"), MAX_REASONS),
           "depends_on": _texts(value.get("depends_on"), 2),
           "services": [s[:64] for s in _texts(value.get("services"), 4)]}
    return out if recommendation or out["depends_on"] else None


# the lead form's model question: staff augmentation is an outsourcing offer; a mix is both
LEAD_MODEL = {"managed_services": "managed_services", "it_outsourcing": "it_outsourcing",
              "staff_augmentation": "it_outsourcing", "mix": NOT_SURE}


def lead_prefill(advice: Mapping[str, Any] | None) -> dict[str, Any]:
    """What the lead form need not ask after advice: the model, and the first matching service."""
    advice = sanitized(advice)
    if not advice or not advice["recommendation"]:
        return {}
    prefill: dict[str, Any] = {"lead_model": LEAD_MODEL[advice["recommendation"]]}
    if advice["services"]:
        prefill["lead_service"] = advice["services"][0]
    return prefill
