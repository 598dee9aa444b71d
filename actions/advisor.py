"""Sourcing advisor: thin adapters between the tracker and bot.advisor (rules live there).

The questions are the domain's `advisor_form.required_slots`; what an answer means and when to
ask again are decided in bot.advisor.form, the advice in bot.advisor.scorer, the words around
it in domain.yml (utter_advice_*). The advice is kept in the `advice` slot for the lead form.
"""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions import forms
from actions.pricing import focused_service
from bot import db
from bot.advisor import form, replies, scorer
from bot.advisor.fields import fields
from bot.advisor.rules import default_rules
from bot.catalogue import queries
from bot.catalogue.queries import ServiceInfo
from bot.forms import spec

logger = logging.getLogger(__name__)


def _catalogue_error(exc: Exception) -> None:
    logger.error("catalogue unavailable for the advisor: %s", type(exc).__name__)


def find_systems(text: str) -> list[str]:
    """Catalogue slugs a free answer names ("our servers and the helpdesk"); [] without a DB."""
    try:
        with db.session_scope() as session:
            found = queries.find_services_in_text(session, text)
            if not found:
                one = queries.get_service(session, text) or queries.find_service(session, text)
                found = [one] if one else []
            return [s.slug for s in found]
    except SQLAlchemyError as exc:
        _catalogue_error(exc)
        return []


def services(slugs: list[str]) -> list[ServiceInfo]:
    try:
        with db.session_scope() as session:
            return [s for s in (queries.get_service(session, slug) for slug in slugs) if s]
    except SQLAlchemyError as exc:
        _catalogue_error(exc)
        return []


def form_slots(domain: DomainDict) -> list[str]:
    return forms.form_slots(domain, form.FORM)


def _reset(domain: DomainDict) -> list[EventType]:
    return [SlotSet(slot, None) for slot in form_slots(domain) + list(form.FLAGS)]


class ActionStartAdvisor(Action):
    """Say what happens next; a service discussed earlier answers the systems question.

    A paused advisor (the visitor asked something else mid-way) carries on with its answers."""

    def name(self) -> str:
        return "action_start_advisor"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot(form.PAUSED):
            dispatcher.utter_message(response="utter_advice_resumed")
            return [SlotSet(form.PAUSED, False)]
        dispatcher.utter_message(response="utter_advice_intro")
        events = _reset(domain)
        focus = focused_service(tracker)
        if focus:
            events.append(SlotSet(form.SYSTEMS, [focus]))
        return events


class ActionPauseAdvisor(Action):
    """After a question asked mid-advisor was answered: offer to carry on, once, instead of
    repeating the advisor's question after every later answer (its answers are kept)."""

    def name(self) -> str:
        return "action_pause_advisor"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_advice_paused")
        return [SlotSet(form.PAUSED, True)]


RULES = form.AdvisorRules(find_systems)
ADVISOR_QUESTIONS = spec.questions(fields(default_rules()))
ValidateAdvisorForm = forms.validation_action(
    "ValidateAdvisorForm", "validate_advisor_form", RULES, ADVISOR_QUESTIONS
)


class AskAdvisorQuestion(forms.AskQuestion):
    """`action_ask_<slot>`: the domain's utter_ask_<slot> with the options as buttons."""


ASK_ADVISOR_ACTIONS = forms.ask_actions(AskAdvisorQuestion, RULES, ADVISOR_QUESTIONS)


class ActionGiveAdvice(Action):
    """The advice from the answers (or "it depends"), kept in the `advice` slot for sales."""

    def name(self) -> str:
        return "action_give_advice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot(form.CANCELLED):
            dispatcher.utter_message(response="utter_advice_cancelled")
            return _reset(domain)
        rules = default_rules()
        named = services(form.named_systems(tracker.slots))
        advice = scorer.advise(
            rules,
            form.answers(tracker.slots, form_slots(domain)),
            [scorer.NamedSystem(s.slug, s.side, s.name) for s in named],
        )
        for say, buttons in replies.messages(rules, advice, services(list(advice.services))):
            dispatcher.utter_message(response=say.response, buttons=buttons, **dict(say.kwargs))
        logger.info("advice for %s: %s", tracker.sender_id, advice.recommendation or "it depends")
        return _reset(domain) + [SlotSet("advice", replies.stored(advice))]


class ActionCancelAdvisor(Action):
    def name(self) -> str:
        return "action_cancel_advisor"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_advice_cancelled")
        return _reset(domain)
