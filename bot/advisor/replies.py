"""What the advisor says with its advice. Pure, no Rasa, no SQL.

The sentences around the advice are domain responses (utter_advice_*); this module fills their
{placeholders} from the scorer's result and the catalogue services it matched. What is handed
to sales with a lead is in bot.advisor.handoff.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.advisor.rules import Rules
from bot.advisor.scorer import Advice
from bot.catalogue.answers import starting_price
from bot.catalogue.queries import ServiceInfo
from bot.forms.turns import Say
from bot.knowledge import SALES_BUTTON
from bot.text import buttons
from bot.text import messages as texts  # `messages` is this module's answer

ESTIMATE_BUTTON = buttons.ESTIMATE
AGAIN_BUTTON = buttons.START_OVER


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
        depends = texts.text("advisor.depends.and").join(advice.depends_on)
        return [(Say("utter_advice_depends", {"depends": depends}), [SALES_BUTTON, AGAIN_BUTTON])]
    said: list[tuple[Say, list[dict]]] = [
        (
            Say(
                "utter_advice_recommendation",
                {
                    "recommendation": rules.recommendations[advice.recommendation],
                    "reasons": reasons_text(advice),
                },
            ),
            [],
        )
    ]
    if services:
        said.append(
            (
                Say("utter_advice_services", {"services": services_text(services)}),
                [SALES_BUTTON, ESTIMATE_BUTTON, AGAIN_BUTTON],
            )
        )
    else:
        said.append((Say("utter_advice_next"), [SALES_BUTTON, AGAIN_BUTTON]))
    return said


def stored(advice: Advice) -> dict[str, Any]:
    """The advice as the `advice` slot and the lead keep it (model, reasons, services)."""
    return {
        "recommendation": advice.recommendation,
        "reasons": [f"{r.title}: {r.text}" for r in advice.reasons],
        "depends_on": list(advice.depends_on),
        "services": list(advice.services),
    }
