"""Company facts: the fact Rasa's ResponseSelector picked (faq/<fact>), or an honest "I don't know"."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot import facts
from bot.settings import get_settings


class ActionAnswerFact(Action):
    def name(self) -> str:
        return "action_answer_fact"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        response = facts.response_for(
            (tracker.latest_message or {}).get("response_selector"),
            set(domain.get("responses") or {}),
            get_settings().fact_min_confidence,
        )
        dispatcher.utter_message(response=response)
        return []
