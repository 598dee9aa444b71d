"""A form question (or a fact a form keeps) described once: how it is read, checked, offered,
skipped, corrected, labelled, stored and exported.

A form is a list of FieldSpecs (bot.sales.fields: the lead form; bot.advisor.fields: the
advisor); bot.forms.engine runs a form from its list, and the lead's storage (repository,
model columns, CSV, CRM, alerts) reads the same list. Pure data and callables, no Rasa.

Texts are not here: `label`, `export_label` and `words` are keys of the message catalogue
(data/messages/<language>.yml, bot.text.messages), the questions and hints domain responses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.forms.turns import NOT_SURE, SKIPPED, Check, Outcome, Turn

# (message, pending) -> the raw answer it holds, or None. `pending`: the question was just asked.
Reader = Callable[[str, bool], Any]
# (raw answer, the form's values, the form's look-ups) -> the value to keep, or None and a hint
Checker = Callable[[Any, Mapping[str, Any], Any], Check]
# (turn, the form's look-ups) -> what a skip or a second miss of the pending question does
Hook = Callable[[Turn, Any], "Outcome | None"]
# (the form's values, the form's look-ups, asked before) -> quick replies
Buttons = Callable[[Mapping[str, Any], Any, bool], list]


@dataclass(frozen=True)
class Choice:
    """A fixed answer: the stored `value`, its button `title` (typed titles count too) and, for
    readers built from word lists, a regex of the `words` that mean it."""

    value: str
    title: str
    words: str = ""


@dataclass(frozen=True)
class Stored:
    """Where a field's value goes in the lead: a column of `leads` (String(length), a migration
    adds it), how the form's value becomes the stored one, and whether sales see it in a CRM's
    notes (fields the CRM has a property for go there instead)."""

    column: str
    length: int = 32
    convert: Callable[[Any], Any] | None = None
    keeps_not_sure: bool = False  # "not sure" is stored (it scores), not left empty
    in_notes: bool = True


@dataclass(frozen=True)
class FieldSpec:
    slot: str
    label: str = ""  # catalogue key: the field's name as the visitor reads it back ("Budget")
    export_label: str = ""  # catalogue key: its name for sales (alerts, CRM notes); default: label
    read: Reader | None = None
    read_in_intro: Callable[[str], Any] | None = None  # what "Maria Rossi, CIO at Vento" says of it
    answer: Callable[[Turn, bool, Any], Any] | None = None  # reads with the turn (entities, intent)
    check: Checker | None = None
    required: bool = False  # can't be skipped, not left out by "skip the rest"
    yes_no: bool = False  # a closing yes/no question: "no" answers it, a second miss is a no
    asked: bool = True  # False: a fact the form keeps but never asks (a need said in words)
    choices: Sequence[Choice] = ()  # fixed answers, offered as buttons
    skip_value: str = SKIPPED  # what "skip" stores
    miss_value: Any = SKIPPED  # what a second miss stores
    miss_says: str | None = None  # the response after a second miss
    on_skip: Hook | None = None  # instead of the default skip
    on_miss: Hook | None = None  # instead of the default second miss
    buttons: Buttons | None = None  # instead of the choices
    words: str = ""  # catalogue key: a regex of the words for it in "change the X to ..."
    replaced_in_passing: bool = False  # an answer given in passing replaces an earlier one
    unmistakable: bool = False  # read even from a message that is a question of its own
    from_history: bool = True  # prefilled from what was said before the form started
    hint: str = ""  # response: why an answer did not fit
    show: Callable[[str], str] | None = None  # a stored value as people read it
    stored: Stored | None = None

    @property
    def optional(self) -> bool:
        return not self.required and not self.yes_no

    @property
    def not_sure_skips(self) -> bool:
        """'not sure' skips a question whose choices have no "not sure" of their own."""
        return bool(self.choices) and NOT_SURE not in {c.value for c in self.choices}


def by_slot(fields: Sequence[FieldSpec]) -> dict[str, FieldSpec]:
    return {spec.slot: spec for spec in fields}


def questions(fields: Sequence[FieldSpec]) -> tuple[str, ...]:
    """The slots a form asks, in the spec list's order."""
    return tuple(spec.slot for spec in fields if spec.asked)


def stored(fields: Sequence[FieldSpec]) -> tuple[FieldSpec, ...]:
    return tuple(spec for spec in fields if spec.stored)
