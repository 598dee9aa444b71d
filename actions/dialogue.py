"""Follow-ups outside a form: thin adapter from the tracker to bot.dialogue.follow_up."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import ActionAnswerKnowledge
from actions.pricing import answers_for
from bot.dialogue import follow_up


class ActionFollowUp(Action):
    """`inform` outside a form: "not sure", "and for 120 users?", "and outsourcing?"."""

    def name(self) -> str:
        return "action_follow_up"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = (tracker.latest_message or {}).get("text") or ""
        if follow_up.decide(text) == follow_up.NOT_SURE:
            dispatcher.utter_message(response="utter_not_sure")
            return []
        specific = answers_for(tracker)  # "and for 120 users?", "per year?"
        if specific and text and not text.startswith("/"):
            return await specific.run(dispatcher, tracker, domain)
        return await ActionAnswerKnowledge().run(dispatcher, tracker, domain)
