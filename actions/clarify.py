"""Unsure NLU (nlu_fallback): thin adapter from the tracker to bot.clarify (a plainly commercial
question is answered instead: actions.pricing.answers_for)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.pricing import CLARIFY, answers_for
from bot import clarify


class ActionClarify(Action):
    def name(self) -> str:
        return "action_clarify"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        specific = answers_for(tracker, CLARIFY)  # unsure NLU, plain question: "any discount for 3 yrs"
        if specific:
            return await specific.run(dispatcher, tracker, domain)
        message = tracker.latest_message or {}
        decision = clarify.decide(message.get("intent_ranking") or [], message.get("entities") or [])
        if decision.kind == "clarify":
            dispatcher.utter_message(
                response=decision.response, buttons=decision.buttons, options=decision.options
            )
        else:
            dispatcher.utter_message(response=decision.response)
        return []
