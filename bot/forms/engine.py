"""Runs a form from its list of FieldSpecs (bot.forms.spec): reading an answer, checking it,
skipping, a second miss, buttons, corrections, and the answers read back. Pure, no Rasa.

What differs from question to question is in its spec; what a form does across its questions
(which to ask, what a message about the form itself means, what follows an answer) stays with
the form (bot.sales.form, bot.advisor.form), which calls these functions. `ctx` is the form's
look-ups (e.g. the catalogue), handed through to the specs' hooks untouched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.forms import words
from bot.forms.spec import Checker, Choice, FieldSpec, Reader, by_slot
from bot.forms.turns import SKIPPED, Check, Outcome, Say, Turn, asked_before, count_miss, value_button
from bot.text import messages

AFFIRM, DENY = "affirm", "deny"


@dataclass(frozen=True)
class Form:
    """A form: its name (the domain's), its fields in order, the slot that counts misses, the
    question whose answer may be a self-introduction, and the buttons every optional question
    ends with ("Skip the rest", "Just give me the advice")."""

    name: str
    fields: tuple[FieldSpec, ...]
    attempts: str
    intro: str = ""
    tail: tuple[dict, ...] = ()
    _by_slot: dict[str, FieldSpec] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_slot.update(by_slot(self.fields))

    def spec(self, slot: str) -> FieldSpec:
        return self._by_slot[slot]

    def has(self, slot: str | None) -> bool:
        return slot in self._by_slot


class FormRules(Protocol):
    """What the Rasa glue (actions/forms.py) asks of a form, one message at a time."""

    @property
    def form(self) -> Form:
        """The form's fields."""

    def questions(self, domain_slots: Sequence[str], values: Mapping[str, Any]) -> list[str]:
        """The questions still part of the form, in order."""

    def control(self, turn: Turn) -> Outcome | None:
        """Messages about the form itself (stop, skip, skip the rest), else None."""

    def extract(self, slot: str, turn: Turn) -> dict[str, Any]:
        """{slot: raw answer} when the message answers `slot`, else {}."""

    def check(self, slot: str, value: Any, values: Mapping[str, Any]) -> Check:
        """The value to keep, or None and a hint."""

    def settle(
        self, turn: Turn, extracted: Mapping[str, Any], validated: Mapping[str, Any]
    ) -> Outcome | None:
        """What follows the checks of one message; None when it is a digression."""

    def focus(self, answers: Mapping[str, Any]) -> str | None:
        """The catalogue service the answers name, kept in focus for follow-up questions."""

    def buttons(self, slot: str, values: Mapping[str, Any]) -> list[dict]:
        """The quick replies of a question."""


def button(key: str, value: str) -> dict[str, str]:
    """A quick reply titled by the catalogue text `key` that answers with `value`."""
    return value_button(messages.text(key), value)


SKIP_BUTTON_KEY = "forms.skip"


def label(spec: FieldSpec) -> str:
    return messages.text(spec.label) if spec.label else spec.slot


def export_label(spec: FieldSpec) -> str:
    return messages.text(spec.export_label) if spec.export_label else label(spec)


def shown(spec: FieldSpec, value: Any, service_names: Mapping[str, str] | None = None) -> str:
    """A value as people read it: a catalogue service by its name, a model in words."""
    text = str(value)
    if service_names and text in service_names:
        return service_names[text]
    return spec.show(text) if spec.show else text


# ----------------------------------------------------------------------------- reading


def choice_by_title(choices: Sequence[Choice], text: str | None) -> Choice | None:
    """The choice whose value or button title the visitor typed (any case, spacing)."""
    typed = " ".join((text or "").lower().split()).strip(" .!")
    return next((c for c in choices if typed in (c.value.lower(), c.title.lower())), None)


def choice_reader(choices: Sequence[Choice]) -> Reader:
    """A reader from the choices' word lists: a typed title when asked, else the first choice
    whose words the message says (in passing only with the field's own words, see corrections)."""
    patterns = [(re.compile(rf"\b(?:{c.words})\b", re.I), c.value) for c in choices if c.words]

    def read(text: str, pending: bool = True) -> str | None:
        text = words.clean(text)
        typed = choice_by_title(choices, text) if pending else None
        if typed:
            return typed.value
        if not pending or words.looks_like_question(text) or words.is_request_to_bot(text):
            return None
        return next((value for pattern, value in patterns if pattern.search(text)), None)

    return read


def choice_check(choices: Sequence[Choice], parse: Callable[..., Any] | None, hint: str) -> Checker:
    """A fixed answer: a choice's value as it is (read once), else `parse` the words, else a hint."""
    allowed = {c.value for c in choices}

    def check(text: Any, values: Mapping[str, Any] | None = None, ctx: Any = None) -> Check:
        value = str(text or "").strip()
        if value in allowed or value == SKIPPED:
            return Check(value)
        parsed = parse(value) if parse else None
        return Check(parsed) if parsed else Check(None, Say(hint))

    return check


def yes_no_answer(turn: Turn, pending: bool, ctx: Any = None) -> bool | None:
    """The answer to a pending yes/no question: the words, else NLU's affirm or deny."""
    if not pending:
        return None
    answer = words.read_yes_no(turn.text)
    if answer is None and turn.intent in (AFFIRM, DENY):
        answer = turn.intent == AFFIRM
    return answer


def yes_no_check(hint: str) -> Checker:
    def check(value: Any, values: Mapping[str, Any] | None = None, ctx: Any = None) -> Check:
        if isinstance(value, bool):
            return Check(value)
        said = words.read_yes_no(str(value or ""))
        return Check(said) if said is not None else Check(None, Say(hint))

    return check


def corrections(fields: Sequence[FieldSpec], text: str | None) -> dict[str, str]:
    """{slot: new raw value} for 'change the company to X', 'actually my e-mail is Y' (the words
    for each field are the catalogue's, `FieldSpec.words`)."""
    text = words.clean(text)
    found: dict[str, str] = {}
    for spec in fields:
        if not spec.words:
            continue
        said = messages.text(spec.words)
        patterns = (
            rf"\b(change|update|correct|fix|set|make|switch)\s+(the\s+|my\s+|our\s+)?({said})\s+(to|into|as|:)\s+(?P<v>.+)",
            rf"\b(actually|sorry|oops|correction|wait|no)\b[\s,:]+(my\s+|the\s+|our\s+)?({said})\s+(is|was|should be|'s|:)\s+(actually\s+)?(?P<v>.+)",
            rf"^(my\s+|the\s+|our\s+)({said})\s+(should be|is actually|is really)\s+(?P<v>.+)",
            rf"\b(the\s+|my\s+|our\s+)?({said})\s+should be\s+(?P<v>.+)",
        )
        for pattern in patterns:
            m = re.search(pattern, text, re.I)
            if m:
                value = re.split(r"\s+(?:and|but|please|thanks|thank you)\b|[;!?]", m.group("v"))[0]
                value = value.strip(" ,")
                if value:
                    found[spec.slot] = value
                break
    return found


def answer(spec: FieldSpec, turn: Turn, pending: bool, ctx: Any = None) -> Any | None:
    """The raw answer to `spec` in the turn's message (its hook may read entities or the intent)."""
    if spec.answer is not None:
        return spec.answer(turn, pending, ctx)
    return spec.read(turn.text, pending) if spec.read else None


def extract(form: Form, slot: str, turn: Turn, ctx: Any = None) -> dict[str, Any]:
    """{slot: raw value} when this message answers or corrects `slot`, else {}.

    The pending question takes a bare answer; other questions only explicit statements
    ("my e-mail is ...", "change the company to ..."). When the form starts, the earlier
    messages of the conversation are read too, so nothing is asked twice.
    """
    if not (turn.answering or turn.starting):
        return {}  # back from a digression: that message was not an answer
    spec = form.spec(slot)
    if turn.answering and words.looks_like_question(turn.text) and turn.intent in turn.digressions:
        if not spec.unmistakable:
            return {}  # a question of its own: only unmistakable details (an address, a number) count
    corrected = corrections(form.fields, turn.text).get(slot) if turn.answering else None
    if corrected is not None:
        return {slot: corrected}
    pending = turn.answering and slot == turn.requested
    value = answer(spec, turn, pending, ctx)
    if value is None and turn.answering and turn.requested == form.intro and spec.read_in_intro:
        value = spec.read_in_intro(turn.text)  # "Maria Rossi, CIO at Vento Srl"
    reader = spec.read if spec.from_history else None
    if value is None and reader and turn.starting and not spec.yes_no and turn.values.get(slot) is None:
        for earlier in reversed(turn.history):
            value = reader(earlier, False)
            if value is not None:
                break
    if value is None:
        return {}
    if (
        slot != turn.requested
        and turn.values.get(slot) not in (None, SKIPPED)
        and not spec.replaced_in_passing
    ):
        return {}  # an answer given earlier is only replaced by an explicit correction
    return {slot: value}


def check(form: Form, slot: str, value: Any, values: Mapping[str, Any], ctx: Any = None) -> Check:
    """The stored value for an extracted answer, or None and a hint."""
    spec = form.spec(slot)
    if value is None or spec.check is None:
        return Check(value)
    return spec.check(value, values, ctx)


# ----------------------------------------------------------------------------- skipping and missing


def skip(form: Form, turn: Turn, ctx: Any = None) -> Outcome | None:
    """'skip' for the pending question: optional ones are left out; required ones can't be
    (their hint explains), and "no" answers a yes/no question."""
    if not form.has(turn.requested):
        return None
    spec = form.spec(turn.requested or "")
    if spec.on_skip:
        return spec.on_skip(turn, ctx)
    if not spec.optional:
        return None
    return Outcome({spec.slot: spec.skip_value})


def missed(form: Form, turn: Turn, hint: Say | None, ctx: Any = None) -> Outcome:
    """The answer did not fit: say why and ask again, or after the second miss move on (what
    that does is the spec's: skip it, take the words as given, end the form...)."""
    spec = form.spec(turn.requested or "")
    attempts, last_ask = count_miss(turn, form.attempts)
    outcome = Outcome({form.attempts: attempts})
    if not last_ask:
        outcome.say.append(hint or Say(spec.hint))
        return outcome
    if spec.on_miss:
        done = spec.on_miss(turn, ctx) or Outcome()
        outcome.slots.update(done.slots)
        outcome.say.extend(done.say)
        return outcome
    outcome.slots[spec.slot] = False if spec.yes_no else spec.miss_value
    if spec.miss_says:
        outcome.say.append(Say(spec.miss_says))
    return outcome


# ----------------------------------------------------------------------------- asking


def with_tail(tail: Sequence[dict], options: list[dict], retry: bool) -> list[dict]:
    """An optional question's buttons: its options, after a miss a way to skip it, then the
    form's own ("Skip the rest")."""
    options = list(options)
    if retry:
        options.append(button(SKIP_BUTTON_KEY, "skip"))
    return options + list(tail)


def buttons(form: Form, slot: str, values: Mapping[str, Any], ctx: Any = None) -> list[dict]:
    """Quick replies for a question; after a miss, also a way to skip it."""
    spec = form.spec(slot)
    retry = asked_before(values, form.attempts, slot)
    if spec.buttons:
        return spec.buttons(values, ctx, retry)
    if not spec.optional:
        return []
    return with_tail(form.tail, [value_button(c.title, c.value) for c in spec.choices], retry)


# ----------------------------------------------------------------------------- read back


def summary(
    fields: Sequence[FieldSpec], values: Mapping[str, Any], service_names: Mapping[str, str]
) -> list[str]:
    """'Label: value' for each field with a label that has an answer, in the spec list's order."""
    parts = []
    for spec in fields:
        value = values.get(spec.slot)
        if not spec.label or value is None or value in ("", SKIPPED):
            continue
        parts.append(f"{label(spec)}: {shown(spec, value, service_names)}")
    return parts
