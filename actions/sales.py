"""Lead form: thin adapters between the tracker and bot.sales (rules live in bot.sales.form).

The form's questions are the domain's `lead_form.required_slots`; what each answer means,
when to ask again and when to stop are decided in bot.sales.form. The texts are domain
responses (utter_ask_<slot>, utter_lead_*); buttons come from bot.sales.form.buttons.
"""
from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from bot import db, settings
from bot.catalogue import queries
from bot.sales import booking, form, repository, spool, throttle, validation

logger = logging.getLogger(__name__)


# ----------------------------------------------------------------------------- domain and tracker


def form_slots(domain: DomainDict) -> list[str]:
    """The form's questions, in order, as domain.yml lists them."""
    return list(((domain.get("forms") or {}).get(form.FORM) or {}).get("required_slots") or [])


def _digressions(domain: DomainDict) -> frozenset[str]:
    """Intents answered by the digression rules inside the form (the form's ignored_intents)."""
    return frozenset(((domain.get("forms") or {}).get(form.FORM) or {}).get("ignored_intents") or [])


def _values(tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
    return {slot: tracker.get_slot(slot) for slot in form_slots(domain) + list(form.FLAGS)}


def _turn(tracker: Tracker, domain: DomainDict) -> form.Turn:
    latest = tracker.latest_message or {}
    entities: dict[str, list[str]] = {}
    for found in latest.get("entities") or []:
        entities.setdefault(str(found.get("entity")), []).append(str(found.get("value")))
    return form.Turn(
        text=form.message_text(latest.get("text"), entities),
        intent=(latest.get("intent") or {}).get("name"),
        entities=entities,
        requested=tracker.get_slot("requested_slot"),
        fresh=form.fresh_message(tracker.events),
        values=dict(tracker.slots),
        digressions=_digressions(domain),
        history=form.earlier_messages(tracker.events),
    )


def _reset(domain: DomainDict) -> list[EventType]:
    return [SlotSet(slot, None) for slot in form_slots(domain) + list(form.FLAGS)]


def _say(dispatcher: CollectingDispatcher, says: list[form.Say]) -> None:
    for say in says:
        dispatcher.utter_message(response=say.response, **dict(say.kwargs))


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

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(response="utter_lead_intro")
        # The form's slots were cleared when the last form ended (submit or cancel).
        events = []
        if tracker.get_slot("service"):
            events.append(SlotSet("lead_service", tracker.get_slot("service")))
        if tracker.get_slot("sourcing_model"):
            events.append(SlotSet("lead_model", tracker.get_slot("sourcing_model")))
        return events


class ValidateLeadForm(FormValidationAction):
    """Runs bot.sales.form on each message: control words, extraction, checks, misses.

    `extract_<slot>` and `validate_<slot>` exist for every question bot.sales.form can read
    (added below the class): rasa-sdk calls them for the slots `required_slots` returns.
    Returning no event for a message that is a question of its own makes Rasa reject the
    form for this turn, so the digression rules answer it and the form asks again.
    """

    def name(self) -> str:
        return "validate_lead_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        return form.required_slots(domain_slots, tracker.slots)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        turn = _turn(tracker, domain)
        outcome = form.control(turn)
        if outcome is None:
            extracted = await self.get_extraction_events(dispatcher, tracker, domain)
            tracker.add_slots(extracted)
            validated = await self.get_validation_events(dispatcher, tracker, domain)
            outcome = form.settle(turn, {e["name"]: e["value"] for e in extracted},
                                  {e["name"]: e["value"] for e in validated}, side_of)
            if outcome is None:
                return []  # a digression: Rasa rejects the form, the rules answer
        events: list[EventType] = [SlotSet(slot, value) for slot, value in outcome.slots.items()]
        tracker.add_slots(events)
        _say(dispatcher, outcome.say)
        # always name the next question (None ends the form), also when the list is the domain's
        questions = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        next_slot = next((slot for slot in questions if tracker.get_slot(slot) is None), None)
        return events + [SlotSet("requested_slot", next_slot)]


def _extractor(slot: str):
    async def extract(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: DomainDict) -> dict[str, Any]:
        return form.extract(slot, _turn(tracker, domain), find_service)
    return extract


def _validator(slot: str):
    def validate(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                 domain: DomainDict) -> dict[str, Any]:
        return {slot: form.check(slot, value, tracker.slots, find_service).value}
    return validate


for _slot in form.CHECKS:
    setattr(ValidateLeadForm, f"extract_{_slot}", _extractor(_slot))
    setattr(ValidateLeadForm, f"validate_{_slot}", _validator(_slot))


class AskLeadQuestion(Action, ABC):
    """`action_ask_<slot>`: the domain's utter_ask_<slot> with the form's buttons."""

    slot = ""

    @abstractmethod
    def name(self) -> str:
        """action_ask_<slot> (abstract: rasa-sdk registers only the subclasses below)."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        values = _values(tracker, domain)
        kwargs: dict[str, Any] = {}
        names: dict[str, str] = {}
        if self.slot in ("lead_service", "lead_confirmed"):
            names = service_names()
        if self.slot == "lead_confirmed":
            kwargs["summary"] = form.summary(values, names)
        if self.slot == "lead_consent":
            kwargs["privacy_url"] = settings.privacy_url()
        dispatcher.utter_message(response=f"utter_ask_{self.slot}",
                                 buttons=form.buttons(self.slot, values, list(names.items())), **kwargs)
        return []


for _slot in form.CHECKS:
    _name = f"action_ask_{_slot}"
    globals()[f"ActionAsk_{_slot}"] = type(
        f"ActionAsk_{_slot}", (AskLeadQuestion,), {"slot": _slot, "name": lambda self, n=_name: n})


# ----------------------------------------------------------------------------- the end of the form


def consent_text(domain: DomainDict) -> str:
    """The consent question exactly as the visitor saw it (stored with the lead)."""
    template = domain["responses"]["utter_ask_lead_consent"][0]["text"]
    return template.format(privacy_url=settings.privacy_url())


class ActionSubmitLead(Action):
    def name(self) -> str:
        return "action_submit_lead"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
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
            data = form.lead_input(values, tracker.sender_id, _page_url(tracker), consent_text(domain))
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

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(response="utter_lead_cancelled")
        return _reset(domain)
