"""The advice handed to sales: what the lead keeps of it, and what the lead form need not ask.

The `advice` slot is set by action_give_advice, but a slot is still input from outside the
bot.sales code: it is read back through `sanitized` (known keys, bounded) before a lead stores it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.advisor.rules import RECOMMENDATIONS, default_rules
from bot.forms.turns import NOT_SURE

LIMITS = {"reasons": 6, "services": 4, "depends_on": 2}  # items per list
MAX_TEXT = 300  # characters per item


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
    out: dict[str, Any] = {key: _texts(value.get(key), limit) for key, limit in LIMITS.items()}
    out["services"] = [s[:64] for s in out["services"]]
    out["recommendation"] = recommendation
    return out if recommendation or out["depends_on"] else None


# the lead form's model question: staff augmentation is an outsourcing offer; a mix is both
LEAD_MODEL = {
    "managed_services": "managed_services",
    "it_outsourcing": "it_outsourcing",
    "staff_augmentation": "it_outsourcing",
    "mix": NOT_SURE,
}


def lead_prefill(advice: Mapping[str, Any] | None) -> dict[str, Any]:
    """What the lead form need not ask after advice: the model, and the first matching service."""
    advice = sanitized(advice)
    if not advice or not advice["recommendation"]:
        return {}
    prefill: dict[str, Any] = {"lead_model": LEAD_MODEL[advice["recommendation"]]}
    if advice["services"]:
        prefill["lead_service"] = advice["services"][0]
    return prefill


def recommendation_title(advice: Mapping[str, Any] | None) -> str | None:
    """The advice as the visitor heard it ("managed services"), for the lead's summary."""
    kept = sanitized(advice)
    if not kept or not kept["recommendation"]:
        return None
    return default_rules().recommendations[kept["recommendation"]]
