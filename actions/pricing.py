"""Cost estimates, contract terms and commercial answers: thin adapters from the tracker to
bot.pricing and bot.catalogue.terms (the figures come from the catalogue and
data/cost_assumptions.yml).

They have no intents of their own: visitors ask for them with price, SLA, catalogue, billing and
contract questions, so action_service_price, action_service_sla, action_catalogue_answer,
action_answer_knowledge and action_clarify hand over when the question asks for them (`answers_for`). The service
in focus is read through `focused_service` only."""

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
from bot.catalogue import choices, queries, replies, terms
from bot.dialogue import focus, last_turn
from bot.knowledge import SALES_BUTTON
from bot.pricing import commercial, inhouse, request
from bot.pricing import replies as costs
from bot.text import buttons

logger = logging.getLogger(__name__)

# which action asks `answers_for`: what else it may hand a question over to
PRICE = "price"  # action_service_price: also estimates (numbers, a tier, a period, people)
KNOWLEDGE = "knowledge"  # action_answer_knowledge: also "is in-house cheaper?"
SLA = "sla"  # action_service_sla
CATALOGUE = "catalogue"  # action_catalogue_answer
CLARIFY = "clarify"  # action_clarify: an unsure classifier, but a plainly commercial question


def conversation_focus(tracker: Tracker) -> focus.Focus:
    """What a follow-up is about: the short list just offered, else the service discussed last
    (bot.dialogue.focus). The one place that reads the focus."""
    offered = last_turn.last_turn(tracker.events, skip_latest_user=True).services_offered()
    return focus.focus(tracker.get_slot("service"), offered)


def focused_service(tracker: Tracker) -> str | None:
    """The slug of the one service the conversation is about, or None."""
    return conversation_focus(tracker).service


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
            now = conversation_focus(tracker)
            reply = costs.estimate_reply(
                session,
                _text(tracker),
                _mentions(tracker),
                now.service,
                tracker.get_slot("estimate"),
                inhouse.assumptions(),
                advised,
                now.choices,
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
            last = focused_service(tracker)
            service = named[0] if named else (queries.get_service(session, last) if last else None)
            sales = SALES_BUTTON
            if service:
                dispatcher.utter_message(
                    response="utter_contract_terms",
                    terms=terms.service_terms(service, text),
                    buttons=[buttons.ESTIMATE, sales],
                )
                return [SlotSet("service", service.slug)]
            services = queries.list_services(session)
            dispatcher.utter_message(
                response="utter_contract_terms",
                terms=terms.catalogue_terms(services, text),
                buttons=[buttons.SERVICES, sales],
            )
            return []

        return _look_up(dispatcher, build)


class ActionCommercialAnswer(Action):
    """ "Is that per user or flat?", "what's included?", "any discount for 3 years?"."""

    def name(self) -> str:
        return "action_commercial_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        def build(session: Session) -> list[dict[str, Any]]:
            text, mentions, focus = _text(tracker), _mentions(tracker), focused_service(tracker)
            reply = commercial.reply(session, text, mentions, focus)
            if reply is None:  # no service after all (gone from the catalogue): ask which
                which = choices.which_service(
                    session, text, "ask_service_price", conversation_focus(tracker).choices
                )
                dispatcher.utter_message(text=which.text, buttons=which.buttons)
                return []
            dispatcher.utter_message(
                response=reply.say.response, buttons=reply.buttons, **dict(reply.say.kwargs)
            )
            return [SlotSet("service", reply.service)] if reply.service else []

        return _look_up(dispatcher, build)


def _named_services(tracker: Tracker) -> tuple[str, ...]:
    """Slugs of the services the message names (NLU's spans, else the sentence); () if unreadable."""
    try:
        with db.session_scope() as session:
            named = replies.services_named(session, _mentions(tracker), _text(tracker))
            return tuple(s.slug for s in named)
    except (SQLAlchemyError, OSError) as exc:  # the answering action reports it politely
        logger.warning("service look-up for routing failed: %s", type(exc).__name__)
        return ()


def _commercial_action(question: commercial.Question, has_service: bool, asked_by: str) -> Action | None:
    """Discounts and terms are answered with or without a service; the billing basis and what is
    included need one (without, the asking action answers: the article's billing model, "which
    service?"); surcharges and comparisons are estimates (which ask for a service themselves)."""
    if question.aspect == commercial.DISCOUNT:
        return ActionCommercialAnswer()
    if question.aspect == commercial.TERMS:
        return ActionContractTerms()
    if question.aspect in (commercial.SURCHARGE, commercial.CHEAPER):
        return ActionCostEstimate() if has_service or asked_by in (PRICE, SLA) else None
    return ActionCommercialAnswer() if has_service else None


def answers_for(tracker: Tracker, asked_by: str = PRICE) -> Action | None:
    """The action for a question that another action was picked for but that asks for terms,
    a commercial answer, arithmetic or a comparison (None: the asking action answers).

    Commercial questions (bot.pricing.commercial), whichever of the price, SLA, catalogue or
    knowledge intents NLU chose (or nlu_fallback, when it was unsure): discounts, terms ("can we
    cancel after 6 months?", "is VAT included?"), surcharges ("is 24/7 extra?"), comparisons for a
    case ("standard or premium for 30 users?"), the billing basis ("per user or flat?") and what is
    included, about the service named or the one in focus. A knowledge question otherwise only hands over for "is in-house cheaper?";
    a price question also for numbers of units, a tier, a period or people, and, as a bare button
    after advice, for the advised services.
    """
    text = _text(tracker)
    if commercial.cued(text):
        named = _named_services(tracker)
        question = commercial.read(text, named)
        if question:
            action = _commercial_action(question, bool(named or focused_service(tracker)), asked_by)
            if action:
                return action
    if asked_by == KNOWLEDGE:
        return ActionCostEstimate() if request.asks_in_house_comparison(text) else None
    if asked_by != PRICE:
        return None
    advised = (handoff.sanitized(tracker.get_slot("advice")) or {}).get("services")
    bare = not text or text.startswith("/")
    if request.asks_for_estimate(text) or (bare and advised and not focused_service(tracker)):
        return ActionCostEstimate()
    if (bare or _mentions(tracker)) and _asked_which_to_estimate(tracker):
        return ActionCostEstimate()  # the service picked for "how much for 120 users?"
    return None


def _asked_which_to_estimate(tracker: Tracker) -> bool:
    """The last turn asked which service to estimate, for numbers already given."""
    asked = last_turn.last_turn(tracker.events, skip_latest_user=True).responses
    return "utter_cost_which_service" in asked and request.waits_for_service(tracker.get_slot("estimate"))
