"""The sourcing advisor's questions as FieldSpecs (bot.forms.spec), built from its rules
(data/advisor_rules.yml: each question's options and their button titles) and its readers
(bot.advisor.reading), plus the systems question, matched against the catalogue.

Every question is optional: "skip" and a second miss leave it out (utter_advice_skipped), and
the buttons end with "Just give me the advice".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.advisor import reading
from bot.advisor.rules import Rules
from bot.forms import engine
from bot.forms.spec import Checker, Choice, FieldSpec, Reader
from bot.forms.turns import NOT_SURE, SKIPPED, Check, Say
from bot.text import messages

FORM = "advisor_form"
SYSTEMS = "advice_systems"
ATTEMPTS = "advice_attempts"  # {question: answers that did not fit}
MAX_SYSTEMS = 6


def _hint(slot: str) -> str:
    return f"utter_advice_hint_{slot.removeprefix('advice_')}"


def _reader(rules: Rules, slot: str) -> Reader:
    def read(text: str, pending: bool = True) -> str | None:
        return reading.read(rules, slot, text, pending)

    return read


def _option_check(rules: Rules, slot: str) -> Checker:
    """An option of the question (what the buttons offer is always accepted), else a hint."""

    def check(value: Any, values: Mapping[str, Any] | None = None, ctx: Any = None) -> Check:
        if value in (SKIPPED, NOT_SURE) or str(value) in rules.questions[slot].options:
            return Check(str(value))
        return Check(None, Say(_hint(slot)))

    return check


def check_systems(value: Any, values: Mapping[str, Any] | None = None, ctx: Any = None) -> Check:
    """Catalogue slugs (at most MAX_SYSTEMS), "not sure" or skipped, else a hint."""
    if value in (SKIPPED, NOT_SURE):
        return Check(value)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return Check(value[:MAX_SYSTEMS])
    return Check(None, Say(_hint(SYSTEMS)))


TAIL = (engine.button("advisor.advice_now", "just give me the advice"),)


def _systems_buttons(values: Mapping[str, Any], ctx: Any, retry: bool) -> list[dict]:
    return engine.with_tail(TAIL, [engine.button("forms.not_sure", NOT_SURE)], retry=True)


def _question(rules: Rules, slot: str) -> FieldSpec:
    options = rules.questions[slot].options.values()
    return FieldSpec(
        slot=slot,
        read=_reader(rules, slot),
        check=_option_check(rules, slot),
        choices=tuple(Choice(o.value, o.title) for o in options)
        + (Choice(NOT_SURE, messages.text("forms.not_sure")),),
        miss_says="utter_advice_skipped",
        hint=_hint(slot),
    )


def fields(rules: Rules) -> tuple[FieldSpec, ...]:
    """The advisor's questions in the order they are asked: the rules' questions, then systems."""
    systems = FieldSpec(
        slot=SYSTEMS,
        check=check_systems,
        buttons=_systems_buttons,
        miss_says="utter_advice_skipped",
        hint=_hint(SYSTEMS),
    )
    return tuple(_question(rules, slot) for slot in rules.questions) + (systems,)


def advisor_form(rules: Rules) -> engine.Form:
    return engine.Form(FORM, fields(rules), ATTEMPTS, tail=TAIL)
