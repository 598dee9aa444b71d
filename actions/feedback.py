"""Ratings of knowledge answers: thin adapter from the tracker to bot.ratings."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from bot import db, ratings

logger = logging.getLogger(__name__)


class ActionRateAnswer(Action):
    def name(self) -> str:
        return "action_rate_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        message = tracker.latest_message or {}
        helpful = ratings.RATING_INTENTS.get(str((message.get("intent") or {}).get("name")))
        if helpful is None:
            return []
        # the rated message is looked up in this conversation's own events, never named by the client
        rated = ratings.rated_message(tracker.events)
        if rated is not None:
            try:
                ratings.record(db.get_engine(), tracker.sender_id, rated, helpful)
            except SQLAlchemyError as exc:
                logger.error("rating could not be stored: %s", type(exc).__name__)
        if not str(message.get("text") or "").startswith("/"):  # typed, not the widget's button
            dispatcher.utter_message(response="utter_feedback_thanks" if helpful else "utter_feedback_sorry")
        return []
