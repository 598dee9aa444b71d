"""Lead form: thin adapters between the tracker and bot.sales (rules live in bot.sales.form)."""
from __future__ import annotations

import json
import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from bot import db
from bot.catalogue import queries
from bot.sales import booking, form, repository, validation
from bot.sales.form import SKIPPED

logger = logging.getLogger(__name__)

LEAD_SLOTS = [
    "lead_name", "lead_email", "lead_company", "lead_company_size", "lead_service", "lead_model",
    "lead_budget", "lead_timeline", "lead_role", "lead_phone", "lead_consent", "lead_confirmed",
]


def _reset() -> list[dict[str, Any]]:
    return [SlotSet(slot, None) for slot in LEAD_SLOTS] + [SlotSet("lead_email_attempts", 0)]


def _service_names() -> dict[str, str]:
    try:
        with db.session_scope() as session:
            return {s.slug: s.name for s in queries.list_services(session)}
    except SQLAlchemyError as exc:
        logger.error("catalogue unavailable for the lead form: %s", type(exc).__name__)
        return {}


def _page_url(tracker: Tracker) -> str | None:
    """The page the visitor chats from, when the channel passes it (widget metadata)."""
    for event in reversed(tracker.events):
        metadata = event.get("metadata") or {}
        url = metadata.get("page_url") or (metadata.get("customData") or {}).get("page_url")
        if event.get("event") == "user" and url:
            return str(url)[:500]
    return None


class ActionStartLead(Action):
    """Say what happens next, and prefill what the conversation already told us."""

    def name(self) -> str:
        return "action_start_lead"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        dispatcher.utter_message(
            text="Happy to put you in touch with our sales team. A few quick questions first; "
                 "say \"stop\" at any time and nothing is stored."
        )
        # The form's slots were cleared when the last form ended (submit or cancel).
        events = []
        if tracker.get_slot("service"):
            events.append(SlotSet("lead_service", tracker.get_slot("service")))
        if tracker.get_slot("sourcing_model"):
            events.append(SlotSet("lead_model", tracker.get_slot("sourcing_model")))
        return events


class ValidateLeadForm(FormValidationAction):
    """Each answer goes through its check in bot.sales.form; a hint is said, a None re-asks."""

    def name(self) -> str:
        return "validate_lead_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        # Without consent there is nothing to confirm: the form ends and nothing is stored.
        if tracker.get_slot("lead_consent") is False:
            return [s for s in domain_slots if s != "lead_confirmed"]
        return domain_slots

    @staticmethod
    def _contact_answer(slot: str, tracker: Tracker) -> dict[str, Any]:
        """The visitor's typed address or number for the slot being asked, even when its
        intent is one the form ignores (then Rasa's own from_text mapping stays empty)."""
        text = (tracker.latest_message or {}).get("text")
        if tracker.get_slot("requested_slot") == slot and form.looks_like_contact(text):
            return {slot: text}
        return {}

    async def extract_lead_email(self, dispatcher, tracker, domain):
        return self._contact_answer("lead_email", tracker)

    async def extract_lead_phone(self, dispatcher, tracker, domain):
        return self._contact_answer("lead_phone", tracker)

    @staticmethod
    def _apply(slot: str, value: Any, check, dispatcher: CollectingDispatcher) -> dict[str, Any]:
        if value is None:  # a slot cleared by our own actions: nothing to check or say
            return {slot: None}
        result = check(str(value))
        if result.hint:
            dispatcher.utter_message(text=result.hint)
        return {slot: result.value}

    def validate_lead_name(self, value, dispatcher, tracker, domain):
        return self._apply("lead_name", value, form.check_name, dispatcher)

    def validate_lead_email(self, value, dispatcher, tracker, domain):
        if value is None:
            return {"lead_email": None}
        attempts = int(tracker.get_slot("lead_email_attempts") or 0)
        check, attempts = form.check_email(str(value), attempts)
        if check.hint:
            dispatcher.utter_message(text=check.hint)
        return {"lead_email": check.value, "lead_email_attempts": attempts}

    def validate_lead_company(self, value, dispatcher, tracker, domain):
        return self._apply("lead_company", value, form.check_company, dispatcher)

    def validate_lead_company_size(self, value, dispatcher, tracker, domain):
        return self._apply("lead_company_size", value, form.check_company_size, dispatcher)

    def validate_lead_service(self, value, dispatcher, tracker, domain):
        return self._apply("lead_service", value, _check_service, dispatcher)

    def validate_lead_model(self, value, dispatcher, tracker, domain):
        return self._apply("lead_model", value, form.check_model, dispatcher)

    def validate_lead_budget(self, value, dispatcher, tracker, domain):
        return self._apply("lead_budget", value, form.check_budget, dispatcher)

    def validate_lead_timeline(self, value, dispatcher, tracker, domain):
        return self._apply("lead_timeline", value, form.check_timeline, dispatcher)

    def validate_lead_role(self, value, dispatcher, tracker, domain):
        return self._apply("lead_role", value, form.check_role, dispatcher)

    def validate_lead_phone(self, value, dispatcher, tracker, domain):
        email_skipped = tracker.get_slot("lead_email") == SKIPPED
        return self._apply("lead_phone", value, lambda text: form.check_phone(text, email_skipped), dispatcher)

    def validate_lead_consent(self, value, dispatcher, tracker, domain):
        return {"lead_consent": None if value is None else bool(value)}

    def validate_lead_confirmed(self, value, dispatcher, tracker, domain):
        return {"lead_confirmed": None if value is None else bool(value)}


def _check_service(text: str) -> form.Check:
    """A catalogue slug for what the visitor named (button, name, synonym or typo)."""
    if form.check_model(text).value == form.NOT_SURE:
        return form.Check(form.NOT_SURE)
    try:
        with db.session_scope() as session:
            service = queries.get_service(session, text) or queries.find_service(session, text)
    except SQLAlchemyError as exc:
        logger.error("catalogue unavailable for the lead form: %s", type(exc).__name__)
        return form.Check(text[:200])  # keep the visitor's words; sales can read them
    if service:
        return form.Check(service.slug)
    return form.Check(None, "I couldn't match that to one of our services. Pick one, or choose \"Not sure\".")


class ActionAskLeadService(Action):
    def name(self) -> str:
        return "action_ask_lead_service"

    async def run(self, dispatcher, tracker, domain):
        buttons = [
            {"title": name, "payload": "/inform" + json.dumps({"service": slug}, separators=(",", ":"))}
            for slug, name in _service_names().items()
        ]
        buttons.append({"title": "Not sure", "payload": '/inform{"form_value":"not sure"}'})
        dispatcher.utter_message(text="Which service are you interested in?", buttons=buttons)
        return []


class ActionAskLeadConsent(Action):
    def name(self) -> str:
        return "action_ask_lead_consent"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text=form.consent_text(), buttons=[
            {"title": "Yes, contact me", "payload": "/affirm"},
            {"title": "No", "payload": "/deny"},
        ])
        return []


class ActionAskLeadConfirmed(Action):
    def name(self) -> str:
        return "action_ask_lead_confirmed"

    async def run(self, dispatcher, tracker, domain):
        values = {slot: tracker.get_slot(slot) for slot in LEAD_SLOTS}
        dispatcher.utter_message(text=form.summary(values, _service_names()), buttons=[
            {"title": "Yes, send it", "payload": "/affirm"},
            {"title": "No", "payload": "/deny"},
        ])
        return []


class ActionSubmitLead(Action):
    def name(self) -> str:
        return "action_submit_lead"

    async def run(self, dispatcher, tracker, domain):
        values = {slot: tracker.get_slot(slot) for slot in LEAD_SLOTS}
        if not values["lead_consent"]:
            dispatcher.utter_message(
                text="Understood. Without your consent I can't pass your details on, so I haven't stored anything.",
                buttons=[{"title": "Our services", "payload": "/ask_catalogue_service"}],
            )
            return _reset()
        if not values["lead_confirmed"]:
            dispatcher.utter_message(text="Okay, I haven't sent anything. Anything else I can help with?")
            return _reset()
        try:
            lead = repository.save_lead(db.get_engine(), form.lead_input(values, tracker.sender_id, _page_url(tracker)))
        except (validation.InvalidInput, repository.ConsentRequired) as exc:
            # the form validated every field, so this is a bug, not the visitor's fault
            logger.error("lead refused by bot.sales: %s", type(exc).__name__)
            dispatcher.utter_message(text=f"Sorry, I couldn't pass your details on: {exc} Nothing was stored.",
                                     buttons=[{"title": "Start again", "payload": "/request_sales_contact"}])
            return _reset()
        except SQLAlchemyError as exc:
            logger.error("lead could not be saved: %s", type(exc).__name__)
            dispatcher.utter_message(
                text="Sorry, I couldn't pass your details on just now, so nothing was stored. "
                     "Please try again in a few minutes.",
                buttons=[{"title": "Try again", "payload": "/request_sales_contact"}],
            )
            return _reset()
        logger.info("lead %s stored for conversation %s", lead.id, tracker.sender_id)
        # the webhook (if any) is sent by the outbox worker: the lead is already committed
        dispatcher.utter_message(text="Thank you! Our sales team will get in touch within one business day.")
        link = booking.link_for(lead)
        if link:  # qualified leads may book a first call straight away
            dispatcher.utter_message(response="utter_booking_link", booking_url=link)
        return _reset()


class ActionCancelLead(Action):
    def name(self) -> str:
        return "action_cancel_lead"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text="Okay, I've stopped. Nothing was stored. Anything else I can help with?")
        return _reset()
