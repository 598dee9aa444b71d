"""Which company-fact answer to give, from the ResponseSelector's output. Pure, no Rasa.

The facts themselves are the responses utter_faq/<fact> in data/company_facts.yml (sample data).
A question about something that file does not hold gets utter_faq/unknown ("I don't know that,
sales can tell you"): when the selector chose faq/unknown, chose a fact that has no answer, or
was unsure.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

RETRIEVAL_INTENT = "faq"
UNKNOWN = "utter_faq/unknown"


def response_for(selector: Mapping[str, Any] | None, known: Collection[str], min_confidence: float) -> str:
    """The response to say for the latest message's response-selector output."""
    chosen = ((selector or {}).get(RETRIEVAL_INTENT) or {}).get("response") or {}
    key = str(chosen.get("intent_response_key") or "")
    try:
        confidence = float(chosen.get("confidence") or 0.0)
    except (TypeError, ValueError):
        confidence = 0.0
    response = f"utter_{key}"
    if not key.startswith(f"{RETRIEVAL_INTENT}/") or confidence < min_confidence or response not in known:
        return UNKNOWN
    return response
