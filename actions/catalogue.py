"""Catalogue answers: thin adapters from the tracker to bot.catalogue.replies."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.pricing import CATALOGUE, SLA, answers_for, conversation_focus
from bot import db
from bot.catalogue import choices, replies

logger = logging.getLogger(__name__)


def _answer(
    dispatcher: CollectingDispatcher, tracker: Tracker, build: Callable[..., replies.Reply]
) -> list[dict[str, Any]]:
    """Run one catalogue look-up; a database failure becomes a polite answer, not a crash."""
    try:
        with db.session_scope() as session:
            reply = build(session)
    except (SQLAlchemyError, OSError) as exc:
        logger.error("catalogue look-up failed: %s: %s", type(exc).__name__, exc)
        reply = replies.UNAVAILABLE
    dispatcher.utter_message(text=reply.text, buttons=reply.buttons)
    return [SlotSet("service", reply.service)] if reply.service else []


def _about_focus(tracker: Tracker, intent: str, answer: Callable[..., replies.Reply | None]):
    """Build the answer about the service named or in focus; with none, ask which (the short list
    just offered, or the services that fit what was said), each choice asking the same question."""
    now = conversation_focus(tracker)
    side = next(tracker.get_latest_entity_values("sourcing_model"), None)

    def build(session):
        reply = answer(session, _text(tracker), _mentions(tracker), now.service)
        if reply is None:
            reply = choices.which_service(session, _text(tracker), intent, now.choices, side)
        return reply

    return build


def _mentions(tracker: Tracker) -> list[str]:
    return [str(v) for v in tracker.get_latest_entity_values("service")]


def _text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


class ActionCatalogueAnswer(Action):
    def name(self) -> str:
        return "action_catalogue_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        specific = answers_for(tracker, CATALOGUE)  # "what's included in managed servers?"
        if specific:
            return await specific.run(dispatcher, tracker, domain)
        side = next(tracker.get_latest_entity_values("sourcing_model"), None)
        theme = next(tracker.get_latest_entity_values("theme"), None)
        return _answer(
            dispatcher,
            tracker,
            lambda s: replies.answer_question(s, _text(tracker), _mentions(tracker), side, theme),
        )


class ActionServicePrice(Action):
    def name(self) -> str:
        return "action_service_price"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        specific = answers_for(tracker)  # "how much for 120 users?", "is VAT included?"
        if specific:
            return await specific.run(dispatcher, tracker, domain)
        return _answer(dispatcher, tracker, _about_focus(tracker, "ask_service_price", replies.price_reply))


class ActionServiceSla(Action):
    def name(self) -> str:
        return "action_service_sla"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        specific = answers_for(tracker, SLA)  # "is 24/7 extra?", "premium or standard, cheaper for 30 users?"
        if specific:
            return await specific.run(dispatcher, tracker, domain)
        return _answer(dispatcher, tracker, _about_focus(tracker, "ask_service_sla", replies.sla_reply))
