"""Lead form: thin adapters between the tracker and bot.sales (rules live in bot.sales.form).

The form's questions are the domain's `lead_form.required_slots`; what each answer means,
when to ask again and when to stop are decided in bot.sales.form. The texts are domain
responses (utter_ask_<slot>, utter_lead_*); buttons come from the fields' specs (bot.sales.fields).
The form's actions are made from its rules by actions/forms.py and named here.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions import forms
from actions.pricing import focused_service
from bot import db
from bot.advisor import handoff
from bot.catalogue import queries
from bot.sales import booking, form, repository, spool, throttle, validation
from bot.settings import get_settings

logger = logging.getLogger(__name__)


# ----------------------------------------------------------------------------- domain and tracker


def form_slots(domain: DomainDict) -> list[str]:
    """The form's questions, in order, as domain.yml lists them."""
    return forms.form_slots(domain, form.FORM)


def _values(tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
    return {slot: tracker.get_slot(slot) for slot in form_slots(domain) + list(form.FLAGS)}


def _reset(domain: DomainDict) -> list[EventType]:
    return [SlotSet(slot, None) for slot in form_slots(domain) + list(form.FLAGS)]


def _page_url(tracker: Tracker) -> str | None:
    """The page the visitor chats from, when the channel passes it (widget metadata)."""
    for event in reversed(tracker.events):
        metadata = event.get("metadata") or {}
        url = metadata.get("page_url") or (metadata.get("customData") or {}).get("page_url")
        if event.get("event") == "user" and url:
            return str(url)[:500]
    return None


# ----------------------------------------------------------------------------- catalogue look-ups


def _catalogue_error(exc: Exception) -> None:
    logger.error("catalogue unavailable for the lead form: %s", type(exc).__name__)


def find_service(text: str) -> str | None:
    """The catalogue slug a button, name, synonym or typo names (None: no match or no DB)."""
    try:
        with db.session_scope() as session:
            service = queries.get_service(session, text) or queries.find_service(session, text)
            return service.slug if service else None
    except SQLAlchemyError as exc:
        _catalogue_error(exc)
        return None


def side_of(slug: str) -> str | None:
    try:
        with db.session_scope() as session:
            service = queries.get_service(session, slug)
            return service.side if service else None
    except SQLAlchemyError as exc:
        _catalogue_error(exc)
        return None


def service_names() -> dict[str, str]:
    try:
        with db.session_scope() as session:
            return {s.slug: s.name for s in queries.list_services(session)}
    except SQLAlchemyError as exc:
        _catalogue_error(exc)
        return {}


# ----------------------------------------------------------------------------- the form


class ActionStartLead(Action):
    """Say what happens next, and prefill what the conversation already told us."""

    def name(self) -> str:
        return "action_start_lead"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_lead_intro")
        # The form's slots were cleared when the last form ended (submit or cancel). Advice given
        # in this conversation tells the model and a service; a service asked about since wins.
        prefill = handoff.lead_prefill(tracker.get_slot("advice"))
        focus = focused_service(tracker)
        if focus:
            prefill["lead_service"] = focus
        if tracker.get_slot("sourcing_model") and "lead_model" not in prefill:
            prefill["lead_model"] = tracker.get_slot("sourcing_model")
        return [SlotSet(slot, value) for slot, value in prefill.items()]


class Catalogue:
    """The lead form's look-ups in the service catalogue (bot.sales.fields.Catalogue)."""

    def find_service(self, text: str) -> str | None:
        return find_service(text)

    def side_of(self, slug: str) -> str | None:
        return side_of(slug)

    def service_names(self) -> dict[str, str]:
        return service_names()


RULES = form.LeadRules(Catalogue())
ValidateLeadForm = forms.validation_action("ValidateLeadForm", "validate_lead_form", RULES, form.QUESTIONS)


class AskLeadQuestion(forms.AskQuestion):
    """`action_ask_<slot>`: the domain's utter_ask_<slot> with the form's buttons; the
    confirmation shows the summary (and the privacy notice when consent came early)."""

    def extra(self, tracker: Tracker, domain: DomainDict, dispatcher: CollectingDispatcher) -> dict[str, Any]:
        if self.slot == "lead_consent":
            return {"privacy_url": get_settings().privacy_url}
        if self.slot != "lead_confirmed":
            return {}
        values = _values(tracker, domain)
        if values.get(form.CONSENT_EARLY):
            # consent came before its question: the notice is shown before the visitor confirms
            dispatcher.utter_message(response=EARLY_CONSENT, privacy_url=get_settings().privacy_url)
        advice = handoff.recommendation_title(tracker.get_slot("advice"))
        return {"summary": form.summary(values, service_names(), advice)}


ASK_LEAD_ACTIONS = forms.ask_actions(AskLeadQuestion, RULES, form.QUESTIONS)


# ----------------------------------------------------------------------------- the end of the form


EARLY_CONSENT = "utter_lead_consent_noted"


def consent_text(domain: DomainDict, early: bool = False) -> str:
    """The consent question exactly as the visitor saw it (stored with the lead), or, when the
    visitor gave consent before it was asked, the notice shown with the confirmation."""
    template = domain["responses"][EARLY_CONSENT if early else "utter_ask_lead_consent"][0]["text"]
    return template.format(privacy_url=get_settings().privacy_url)


class ActionSubmitLead(Action):
    def name(self) -> str:
        return "action_submit_lead"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        values = _values(tracker, domain)
        if values[form.CANCELLED]:
            gave_up = values[form.CANCELLED] == form.GAVE_UP
            dispatcher.utter_message(response="utter_lead_gave_up" if gave_up else "utter_lead_cancelled")
            return _reset(domain)
        if not values["lead_consent"]:
            dispatcher.utter_message(response="utter_lead_no_consent")
            return _reset(domain)
        if not values["lead_confirmed"]:
            dispatcher.utter_message(response="utter_lead_not_sent")
            return _reset(domain)
        try:
            data = form.lead_input(
                values,
                tracker.sender_id,
                _page_url(tracker),
                consent_text(domain, early=bool(values.get(form.CONSENT_EARLY))),
                handoff.sanitized(tracker.get_slot("advice")),
            )
            data.client_key = throttle.client_key(tracker.events)
            lead = spool.save_or_keep(data, limits=throttle.Limits.from_settings())
            if lead is None:  # the sales database is down: the lead waits in the spool
                dispatcher.utter_message(response="utter_lead_queued")
                return _reset(domain)
        except (validation.InvalidInput, repository.ConsentRequired) as exc:
            # the form validated every field, so this is a bug, not the visitor's fault
            logger.error("lead refused by bot.sales: %s", type(exc).__name__)
            dispatcher.utter_message(response="utter_lead_refused", reason=str(exc))
            return _reset(domain)
        except throttle.LeadThrottled as exc:
            logger.warning("lead refused by the throttle: %s", exc)
            dispatcher.utter_message(response="utter_lead_throttled")
            return _reset(domain)
        except (SQLAlchemyError, OSError) as exc:  # neither the database nor the spool took it
            logger.error("lead could not be saved nor spooled: %s", type(exc).__name__)
            dispatcher.utter_message(response="utter_lead_save_failed")
            return _reset(domain)
        logger.info("lead %s stored for conversation %s", lead.id, tracker.sender_id)
        # the webhook (if any) is sent by the outbox worker: the lead is already committed
        dispatcher.utter_message(response="utter_lead_sent")
        link = booking.link_for(lead)
        if link:  # qualified leads may book a first call straight away
            dispatcher.utter_message(response="utter_booking_link", booking_url=link)
        return _reset(domain)


class ActionCancelLead(Action):
    def name(self) -> str:
        return "action_cancel_lead"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_lead_cancelled")
        return _reset(domain)
