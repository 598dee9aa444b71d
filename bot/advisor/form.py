"""The advisor's questions, without Rasa: what a typed answer means, what to say back, when to
stop asking. Built on the same pieces as the lead form (bot.forms): an answer counts whatever
intent NLU picked; a question of its own goes to the digression rules; each question is asked
at most twice; "skip", "not sure", "just give me the advice" and "stop" work at any step; and
what the conversation already said is not asked again.

actions/advisor.py only moves values between the tracker and these functions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.advisor import reading
from bot.advisor.fields import (  # noqa: F401  (FORM: form.* for the actions)
    ATTEMPTS,
    FORM,
    MAX_SYSTEMS,
    SYSTEMS,
    advisor_form,
)
from bot.advisor.rules import Rules, default_rules
from bot.forms import engine, words
from bot.forms.turns import NOT_SURE, SKIPPED, Check, Outcome, Turn, is_digression

CANCELLED = "advice_cancelled"  # the visitor stopped the advisor: no advice
SKIP_REST = "advice_skip_rest"  # "just give me the advice": no more questions
PAUSED = "advice_paused"  # the visitor asked something else mid-way: carry on when they say so
FLAGS = (ATTEMPTS, CANCELLED, SKIP_REST, PAUSED)

FindSystems = Callable[[str], list[str]]  # text -> catalogue slugs it names (in order)


def questions(form_slots: Sequence[str], values: Mapping[str, Any]) -> list[str]:
    """The questions still part of the advisor: none once stopped or "just give me the advice"."""
    if values.get(CANCELLED) or values.get(SKIP_REST):
        return []
    return list(form_slots)


def _read(rules: Rules, slot: str, text: str, pending: bool, find_systems: FindSystems) -> Any | None:
    if slot == SYSTEMS:
        found = find_systems(text)[:MAX_SYSTEMS] if text else []
        if found:
            return found
        if pending and (words.reads_not_sure(text) or reading.read_work(text) == NOT_SURE):
            return NOT_SURE
        return text if pending and text else None
    return reading.read(rules, slot, text, pending)


def control(rules: Rules, turn: Turn) -> Outcome | None:
    """Messages about the advisor itself: stop, "just give me the advice", skip this one."""
    if not turn.answering:
        return None
    if words.wants_to_stop(turn.text):
        return Outcome({CANCELLED: True})
    if words.wants_to_skip_all(turn.text):
        return Outcome({SKIP_REST: True})
    slot = turn.requested or ""
    if words.wants_to_skip(turn.text) and (slot == SYSTEMS or reading.read(rules, slot, turn.text) is None):
        return Outcome({slot: SKIPPED})  # "no" answers "any IT staff?"; elsewhere it skips
    return None


def extract(rules: Rules, slot: str, turn: Turn, find_systems: FindSystems) -> dict[str, Any]:
    """{slot: raw answer} when this message (or, at the start, an earlier one) answers `slot`."""
    if not (turn.answering or turn.starting):
        return {}  # back from a digression: that message was not an answer
    if turn.answering and words.looks_like_question(turn.text) and turn.intent in turn.digressions:
        return {}  # a question of its own
    if turn.values.get(slot) not in (None, SKIPPED) and slot != turn.requested:
        return {}  # answered already
    pending = turn.answering and slot == turn.requested
    named = [slug for mention in turn.entities.get("service") or () for slug in find_systems(mention)[:1]]
    if slot == SYSTEMS and not pending and named:  # services NLU found in passing
        return {slot: list(dict.fromkeys(named))[:MAX_SYSTEMS]}
    value = _read(rules, slot, turn.text, pending, find_systems)
    if value is None and turn.starting:
        # earlier statements count; earlier questions ("is it billed monthly?") only name systems
        for earlier in reversed(turn.history):
            if slot != SYSTEMS and words.looks_like_question(earlier):
                continue
            value = _read(rules, slot, earlier, False, find_systems)
            if value is not None:
                break
    return {} if value is None else {slot: value}


def check(rules: Rules, slot: str, value: Any) -> Check:
    """The stored answer, or None and a hint (what the buttons offer is always accepted)."""
    return engine.check(advisor_form(rules), slot, value, {})


def settle(rules: Rules, turn: Turn, validated: Mapping[str, Any]) -> Outcome | None:
    """What follows the checks of one message; None when it is a digression.

    Answers to other questions given in passing are kept; a pending question that was not
    answered is a digression (a question of its own) or a miss: asked again once with a
    hint and a way to skip, then skipped.
    """
    outcome = Outcome(
        {slot: value for slot, value in validated.items() if value is not None or slot == turn.requested}
    )
    if not turn.answering or validated.get(turn.requested or "") is not None:
        return outcome
    if any(slot != turn.requested for slot in outcome.slots):
        return outcome  # something else was answered in passing: ask this one again
    if is_digression(turn):
        return None
    missed = engine.missed(advisor_form(rules), turn, None)
    outcome.slots.update(missed.slots)
    outcome.say.extend(missed.say)
    return outcome


def buttons(rules: Rules, slot: str, values: Mapping[str, Any]) -> list[dict]:
    """The options as quick replies, "Not sure", and after a miss a way to skip."""
    return engine.buttons(advisor_form(rules), slot, values)


def answers(values: Mapping[str, Any], form_slots: Sequence[str]) -> dict[str, Any]:
    """The answers given, for the scorer (skipped and "not sure" stay as they are)."""
    return {slot: values.get(slot) for slot in form_slots if slot != SYSTEMS}


def named_systems(values: Mapping[str, Any]) -> list[str]:
    value = values.get(SYSTEMS)
    return [v for v in value if isinstance(v, str)][:MAX_SYSTEMS] if isinstance(value, list) else []


def next_question(form_slots: Sequence[str], values: Mapping[str, Any]) -> str | None:
    """The first question not answered yet (None: all answered)."""
    return next((slot for slot in questions(form_slots, values) if values.get(slot) is None), None)


def answers_next_question(
    rules: Rules, form_slots: Sequence[str], values: Mapping[str, Any], text: str, find_systems: FindSystems
) -> bool:
    """True when `text` answers the paused advisor's next question (so the advisor carries on)."""
    slot = next_question(form_slots, values)
    if slot is None or not text or words.looks_like_question(text):
        return False
    value = _read(rules, slot, text, True, find_systems)
    if slot == SYSTEMS:
        return isinstance(value, list)  # catalogue services named, not any free text
    return value not in (None, NOT_SURE, SKIPPED)


# ----------------------------------------------------------------------------- for the actions


@dataclass(frozen=True)
class AdvisorRules:
    """The advisor as actions/forms.py runs it (engine.FormRules), with the catalogue's look-up."""

    find_systems: FindSystems

    @property
    def form(self) -> engine.Form:
        return advisor_form(default_rules())

    def questions(self, domain_slots: Sequence[str], values: Mapping[str, Any]) -> list[str]:
        return questions(domain_slots, values)

    def control(self, turn: Turn) -> Outcome | None:
        return control(default_rules(), turn)

    def extract(self, slot: str, turn: Turn) -> dict[str, Any]:
        return extract(default_rules(), slot, turn, self.find_systems)

    def check(self, slot: str, value: Any, values: Mapping[str, Any]) -> Check:
        return check(default_rules(), slot, value)

    def settle(
        self, turn: Turn, extracted: Mapping[str, Any], validated: Mapping[str, Any]
    ) -> Outcome | None:
        return settle(default_rules(), turn, validated)

    def focus(self, answers: Mapping[str, Any]) -> str | None:
        named = named_systems(answers)
        return named[0] if len(named) == 1 else None

    def buttons(self, slot: str, values: Mapping[str, Any]) -> list[dict]:
        return buttons(default_rules(), slot, values)
