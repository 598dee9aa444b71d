"""Knowledge answers: thin adapter from the tracker to bot.knowledge."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.pricing import KNOWLEDGE, answers_for
from bot import knowledge, ratings


class ActionAnswerKnowledge(Action):
    def name(self) -> str:
        return "action_answer_knowledge"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        specific = answers_for(tracker, KNOWLEDGE)  # "can we cancel after 6 months?": our terms
        if specific and (tracker.latest_message or {}).get("text", "").strip():
            return await specific.run(dispatcher, tracker, domain)
        message = tracker.latest_message or {}
        answer = knowledge.resolve(
            intent=(message.get("intent") or {}).get("name"),
            sides_mentioned=list(tracker.get_latest_entity_values("sourcing_model")),
            text=message.get("text"),
            last_topic=tracker.get_slot("topic"),
            last_side=tracker.get_slot("sourcing_model"),
        )
        dispatcher.utter_message(response=answer.response, buttons=knowledge.buttons_after(answer.topic))
        events = [SlotSet("topic", answer.topic), SlotSet("sourcing_model", answer.side)]
        read = knowledge.topics_read(tracker.get_slot("topics_read"), answer.topic)
        events.append(SlotSet("topics_read", read))
        in_form = bool((tracker.active_loop or {}).get("name"))
        if not in_form and knowledge.offer_advice(
            read, bool(tracker.get_slot("advice_offered")), bool(tracker.get_slot("advice"))
        ):
            dispatcher.utter_message(response="utter_advice_offer")
            events.append(SlotSet("advice_offered", True))
        dispatcher.utter_message(response=ratings.RATING_PROMPT)  # the widget's helpful / not helpful choice
        return events
