"""What the typed forms' actions share: reading the tracker into a bot.forms Turn, and the
validation loop (control words, extraction, checks, what follows) around a form's own rules.

actions/sales.py (lead form) and actions/advisor.py (sourcing advisor) make their validation and
ask actions here, from their rules (bot.sales.form.LeadRules, bot.advisor.form.AdvisorRules).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Any, cast

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.forms import turns
from bot.forms.engine import FormRules


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
    """Runs a form's rules (`rules`, a bot.forms.engine.FormRules) on each message: control
    words, extraction, checks, misses.

    The form is the one rasa-sdk derives from name() ("validate_lead_form" -> "lead_form").
    Each form's class is made by `validation_action`, with an `extract_<slot>` and a
    `validate_<slot>` per question: rasa-sdk calls them for the slots `required_slots` returns.
    Returning no event for a message that is a question of its own makes Rasa reject the form
    for this turn, so the digression rules answer it and the form asks again.
    """

    rules: FormRules

    @abstractmethod
    def name(self) -> str:
        """validate_<form> (abstract: rasa-sdk registers only the forms' own classes)."""

    def turn(self, tracker: Tracker, domain: DomainDict) -> turns.Turn:
        return read_turn(tracker, domain, self.form_name())

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        return self.rules.questions(domain_slots, tracker.slots)

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        turn = self.turn(tracker, domain)
        outcome = self.rules.control(turn)
        if outcome is None:
            extracted = await self.get_extraction_events(dispatcher, tracker, domain)
            tracker.add_slots(extracted)
            validated = await self.get_validation_events(dispatcher, tracker, domain)
            outcome = self.rules.settle(
                turn, {e["name"]: e["value"] for e in extracted}, {e["name"]: e["value"] for e in validated}
            )
            if outcome is None:
                return []  # a digression: Rasa rejects the form, the rules answer
        events: list[EventType] = [SlotSet(slot, value) for slot, value in outcome.slots.items()]
        # the catalogue service these answers name, kept in focus (the `service` slot) so a
        # follow-up such as "how much does it cost?" mid-form knows what it is about
        focused = self.rules.focus(outcome.slots)
        if focused:
            events.append(SlotSet("service", focused))
        tracker.add_slots(events)
        say(dispatcher, outcome.say)
        # always name the next question (None ends the form), also when the list is the domain's
        questions = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        next_slot = next((slot for slot in questions if tracker.get_slot(slot) is None), None)
        return events + [SlotSet("requested_slot", next_slot)]


def _extractor(slot: str) -> Callable[..., Any]:
    async def extract(
        self: TypedFormValidation, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self.rules.extract(slot, self.turn(tracker, domain))

    return extract


def _validator(slot: str) -> Callable[..., Any]:
    def validate(
        self: TypedFormValidation,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        return {slot: self.rules.check(slot, value, tracker.slots).value}

    return validate


def validation_action(
    class_name: str, action_name: str, rules: FormRules, slots: Sequence[str]
) -> type[TypedFormValidation]:
    """The `validate_<form>` action of a form: a TypedFormValidation running `rules`, with an
    extract_<slot> and a validate_<slot> method per question (rasa-sdk finds them by name)."""
    methods: dict[str, Any] = {"rules": rules, "name": lambda self: action_name}
    for slot in slots:
        methods[f"extract_{slot}"] = _extractor(slot)
        methods[f"validate_{slot}"] = _validator(slot)
    return cast(type[TypedFormValidation], type(class_name, (TypedFormValidation,), methods))


class AskQuestion(Action, ABC):
    """`action_ask_<slot>`: the domain's utter_ask_<slot> with the form's buttons. A form's
    ask actions are made by `ask_actions` (rasa-sdk registers the concrete ones)."""

    slot = ""
    rules: FormRules

    @abstractmethod
    def name(self) -> str:
        """action_ask_<slot>"""

    def extra(self, tracker: Tracker, domain: DomainDict, dispatcher: CollectingDispatcher) -> dict[str, Any]:
        """Values for the question's {placeholders} (and anything said before it)."""
        return {}

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        kwargs = self.extra(tracker, domain, dispatcher)
        dispatcher.utter_message(
            response=f"utter_ask_{self.slot}", buttons=self.rules.buttons(self.slot, tracker.slots), **kwargs
        )
        return []


def ask_actions(base: type, rules: FormRules, slots: Sequence[str]) -> dict[str, type[AskQuestion]]:
    """One `action_ask_<slot>` class per question, each a subclass of `base` with its slot, by
    action name."""
    return {
        f"action_ask_{slot}": cast(
            type[AskQuestion],
            type(
                f"ActionAsk_{slot}",
                (base,),
                {"slot": slot, "rules": rules, "name": lambda self, n=f"action_ask_{slot}": n},
            ),
        )
        for slot in slots
    }
