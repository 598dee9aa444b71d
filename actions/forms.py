"""What the typed forms' actions share: reading the tracker into a bot.forms Turn, and the
validation loop (control words, extraction, checks, what follows) around a form's own rules.

actions/sales.py (lead form) and actions/advisor.py (sourcing advisor) subclass TypedFormValidation
and give it their rules from bot.sales.form / bot.advisor.form.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.forms import turns


def form_slots(domain: DomainDict, form_name: str) -> list[str]:
    """The form's questions, in order, as domain.yml lists them."""
    return list(((domain.get("forms") or {}).get(form_name) or {}).get("required_slots") or [])


def digressions(domain: DomainDict, form_name: str) -> frozenset[str]:
    """Intents answered by the digression rules inside the form (the form's ignored_intents)."""
    return frozenset(((domain.get("forms") or {}).get(form_name) or {}).get("ignored_intents") or [])


def read_turn(tracker: Tracker, domain: DomainDict, form_name: str) -> turns.Turn:
    latest = tracker.latest_message or {}
    entities: dict[str, list[str]] = {}
    for found in latest.get("entities") or []:
        entities.setdefault(str(found.get("entity")), []).append(str(found.get("value")))
    return turns.Turn(
        text=turns.message_text(latest.get("text"), entities),
        intent=(latest.get("intent") or {}).get("name"),
        entities=entities,
        requested=tracker.get_slot("requested_slot"),
        fresh=turns.fresh_message(tracker.events, form_name),
        values=dict(tracker.slots),
        digressions=digressions(domain, form_name),
        history=turns.earlier_messages(tracker.events),
    )


def say(dispatcher: CollectingDispatcher, says: list[turns.Say]) -> None:
    for one in says:
        dispatcher.utter_message(response=one.response, **dict(one.kwargs))


class TypedFormValidation(FormValidationAction, ABC):
    """Runs a form's rules on each message: control words, extraction, checks, misses.

    The form is the one rasa-sdk derives from name() ("validate_lead_form" -> "lead_form").

    `extract_<slot>` and `validate_<slot>` exist for every question (see add_slot_methods):
    rasa-sdk calls them for the slots `required_slots` returns. Returning no event for a message
    that is a question of its own makes Rasa reject the form for this turn, so the digression
    rules answer it and the form asks again.
    """

    @abstractmethod
    def questions(self, domain_slots: list[str], values: Mapping[str, Any]) -> list[str]:
        """The questions still part of the form, in order."""

    @abstractmethod
    def control(self, turn: turns.Turn) -> turns.Outcome | None:
        """Messages about the form itself (stop, skip, skip the rest), else None."""

    @abstractmethod
    def settle(
        self, turn: turns.Turn, extracted: dict[str, Any], validated: dict[str, Any]
    ) -> turns.Outcome | None:
        """What follows the checks of one message; None when it is a digression."""

    def focus(self, answers: Mapping[str, Any]) -> str | None:
        """The catalogue service these answers name, kept in focus (the `service` slot) so a
        follow-up such as "how much does it cost?" mid-form knows what it is about."""
        return None

    def turn(self, tracker: Tracker, domain: DomainDict) -> turns.Turn:
        return read_turn(tracker, domain, self.form_name())

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        return self.questions(domain_slots, tracker.slots)

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        turn = self.turn(tracker, domain)
        outcome = self.control(turn)
        if outcome is None:
            extracted = await self.get_extraction_events(dispatcher, tracker, domain)
            tracker.add_slots(extracted)
            validated = await self.get_validation_events(dispatcher, tracker, domain)
            outcome = self.settle(
                turn, {e["name"]: e["value"] for e in extracted}, {e["name"]: e["value"] for e in validated}
            )
            if outcome is None:
                return []  # a digression: Rasa rejects the form, the rules answer
        events: list[EventType] = [SlotSet(slot, value) for slot, value in outcome.slots.items()]
        focused = self.focus(outcome.slots)
        if focused:
            events.append(SlotSet("service", focused))
        tracker.add_slots(events)
        say(dispatcher, outcome.say)
        # always name the next question (None ends the form), also when the list is the domain's
        questions = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        next_slot = next((slot for slot in questions if tracker.get_slot(slot) is None), None)
        return events + [SlotSet("requested_slot", next_slot)]


Extract = Callable[[str, turns.Turn], dict[str, Any]]
Validate = Callable[[str, Any, Mapping[str, Any]], Any]


def add_slot_methods(
    cls: type[TypedFormValidation], slots: list[str] | tuple[str, ...], extract: Extract, validate: Validate
) -> None:
    """Give `cls` an extract_<slot> and a validate_<slot> per question, calling the form's rules."""

    def extractor(slot: str):
        async def method(
            self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
        ) -> dict[str, Any]:
            return extract(slot, self.turn(tracker, domain))

        return method

    def validator(slot: str):
        def method(
            self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
        ) -> dict[str, Any]:
            return {slot: validate(slot, value, tracker.slots)}

        return method

    for slot in slots:
        setattr(cls, f"extract_{slot}", extractor(slot))
        setattr(cls, f"validate_{slot}", validator(slot))


def ask_actions(base: type, slots: list[str] | tuple[str, ...]) -> dict[str, type]:
    """One `action_ask_<slot>` class per question, each a subclass of `base` with its slot."""
    made = {}
    for slot in slots:
        action_name = f"action_ask_{slot}"
        made[f"ActionAsk_{slot}"] = type(
            f"ActionAsk_{slot}", (base,), {"slot": slot, "name": lambda self, n=action_name: n}
        )
    return made
