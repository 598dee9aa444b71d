"""Cost estimates and contract terms: thin adapters from the tracker to bot.pricing and
bot.catalogue.terms (the figures come from the catalogue and data/cost_assumptions.yml).

They have no intents of their own: visitors ask for them with price and contract questions, so
action_service_price and action_answer_knowledge hand over when the question asks for them
(`answers_for`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot import db
from bot.advisor import handoff
from bot.catalogue import queries, replies, terms
from bot.knowledge import SALES_BUTTON
from bot.pricing import inhouse, request
from bot.pricing import replies as costs

logger = logging.getLogger(__name__)


def _mentions(tracker: Tracker) -> list[str]:
    return [str(v) for v in tracker.get_latest_entity_values("service")]


def _text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def _look_up(
    dispatcher: CollectingDispatcher, build: Callable[[Session], list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """Run one catalogue look-up; a database or data-file failure becomes a polite answer."""
    try:
        with db.session_scope() as session:
            return build(session)
    except (SQLAlchemyError, OSError, inhouse.AssumptionsError) as exc:
        logger.error("cost or terms look-up failed: %s: %s", type(exc).__name__, exc)
        dispatcher.utter_message(text=replies.UNAVAILABLE.text, buttons=replies.UNAVAILABLE.buttons)
        return []


class ActionCostEstimate(Action):
    """ "What would the helpdesk cost for 120 users?", "premium?", "cheaper than in-house?"."""

    def name(self) -> str:
        return "action_cost_estimate"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        def build(session: Session) -> list[dict[str, Any]]:
            advised = (handoff.sanitized(tracker.get_slot("advice")) or {}).get("services") or []
            reply = costs.estimate_reply(
                session,
                _text(tracker),
                _mentions(tracker),
                tracker.get_slot("service"),
                tracker.get_slot("estimate"),
                inhouse.assumptions(),
                advised,
            )
            dispatcher.utter_message(
                response=reply.say.response, buttons=reply.buttons, **dict(reply.say.kwargs)
            )
            events = [SlotSet("estimate", reply.request)] if reply.request else []
            return events + ([SlotSet("service", reply.service)] if reply.service else [])

        return _look_up(dispatcher, build)


class ActionContractTerms(Action):
    """ "Minimum contract length?", "can we cancel after 6 months?", "is VAT included?"."""

    def name(self) -> str:
        return "action_contract_terms"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        def build(session: Session) -> list[dict[str, Any]]:
            text = _text(tracker)
            named = replies.services_named(session, _mentions(tracker), text)
            last = tracker.get_slot("service")
            service = named[0] if named else (queries.get_service(session, last) if last else None)
            sales = SALES_BUTTON
            if service:
                dispatcher.utter_message(
                    response="utter_contract_terms",
                    terms=terms.service_terms(service, text),
                    buttons=[{"title": "What would it cost?", "payload": "/ask_service_price"}, sales],
                )
                return [SlotSet("service", service.slug)]
            services = queries.list_services(session)
            dispatcher.utter_message(
                response="utter_contract_terms",
                terms=terms.catalogue_terms(services, text),
                buttons=[{"title": "Our services", "payload": "/ask_catalogue_service"}, sales],
            )
            return []

        return _look_up(dispatcher, build)


def answers_for(tracker: Tracker, knowledge: bool = False) -> Action | None:
    """The action for a price or knowledge question that asks for terms, arithmetic or a comparison.

    Terms: "can we cancel after 6 months?", "is VAT included?". A knowledge question otherwise
    only hands over for "is in-house cheaper?"; a price question also for numbers of units, a tier,
    a period or people, and, as a bare button after advice, for the advised services.
    """
    text = _text(tracker)
    if terms.asks_about_terms(text):
        return ActionContractTerms()
    if knowledge:
        return ActionCostEstimate() if request.asks_in_house_comparison(text) else None
    advised = (handoff.sanitized(tracker.get_slot("advice")) or {}).get("services")
    bare = not text or text.startswith("/")
    if request.asks_for_estimate(text) or (bare and advised and not tracker.get_slot("service")):
        return ActionCostEstimate()
    return None
