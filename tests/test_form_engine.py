"""The form engine (bot.forms.engine) on a toy form of two fields, and the specs the real forms
are made of: every text key they name is in the message catalogue."""

from __future__ import annotations

import re

import pytest

from bot.advisor import fields as advisor_fields
from bot.advisor.rules import default_rules
from bot.forms import engine
from bot.forms.spec import Choice, FieldSpec, Stored, questions, stored
from bot.forms.turns import SKIPPED, Check, Outcome, Say, Turn
from bot.sales import fields as lead_fields
from bot.text import messages

COLOURS = (Choice("red", "Red", "red|crimson"), Choice("blue", "Blue", "blue|navy"))


def _check_name(value, values=None, ctx=None) -> Check:
    return Check(str(value).title()) if str(value).isalpha() else Check(None, Say("utter_hint_name"))


def _read_name(text, pending=True):
    """A bare name when asked; in passing only "I'm <name>"."""
    m = re.fullmatch(r"(i'm )?([a-z]+)", text, re.I)
    return m.group(2) if m and (pending or m.group(1)) else None


def _name_missed(turn, ctx=None) -> Outcome:
    return Outcome({"toy_cancelled": True})


TOY = engine.Form(
    name="toy_form",
    fields=(
        FieldSpec(
            slot="toy_name",
            label="lead.label.name",
            read=_read_name,
            check=_check_name,
            required=True,
            on_miss=_name_missed,
            words="lead.words.name",
            hint="utter_hint_name",
        ),
        FieldSpec(
            slot="toy_colour",
            label="lead.label.model",
            read=engine.choice_reader(COLOURS),
            check=engine.choice_check(COLOURS, None, "utter_hint_colour"),
            choices=COLOURS,
            miss_says="utter_skipped",
            hint="utter_hint_colour",
            stored=Stored("colour", 8),
        ),
    ),
    attempts="toy_attempts",
    tail=(engine.button("forms.skip_rest", "skip the rest"),),
)


def turn(text, requested="toy_colour", values=None, history=(), intent="inform"):
    return Turn(
        text=text,
        intent=intent,
        entities={},
        requested=requested,
        fresh=True,
        values=values or {},
        digressions=frozenset({"ask_question"}),
        history=history,
    )


def test_a_pending_question_takes_its_answer_in_words_or_as_its_button_title():
    assert engine.extract(TOY, "toy_colour", turn("navy, I think")) == {"toy_colour": "blue"}
    assert engine.extract(TOY, "toy_colour", turn("Red")) == {"toy_colour": "red"}
    assert engine.extract(TOY, "toy_colour", turn("green")) == {}
    assert engine.check(TOY, "toy_colour", "red", {}) == Check("red")
    assert engine.check(TOY, "toy_colour", "green", {}).hint == Say("utter_hint_colour")


def test_a_question_of_its_own_is_not_an_answer():
    assert engine.extract(TOY, "toy_colour", turn("is red ok?", intent="ask_question")) == {}


def test_a_correction_uses_the_fields_words_from_the_catalogue():
    said = turn("actually my name is Tom", values={"toy_name": "Tim"})
    assert engine.extract(TOY, "toy_name", said) == {"toy_name": "Tom"}


def test_an_answer_in_passing_counts_once_and_earlier_messages_are_read_at_the_start():
    assert engine.extract(TOY, "toy_name", turn("I'm Tom")) == {"toy_name": "Tom"}
    assert engine.extract(TOY, "toy_name", turn("I'm Tom", values={"toy_name": "Tim"})) == {}
    assert engine.extract(TOY, "toy_name", turn("Tom")) == {}  # a bare word answers only its question
    starting = turn("", requested=None, history=["I'm Tom", "hello"])
    assert engine.extract(TOY, "toy_name", starting) == {"toy_name": "Tom"}


def test_skip_leaves_out_an_optional_question_and_not_a_required_one():
    assert engine.skip(TOY, turn("skip")) == Outcome({"toy_colour": SKIPPED})
    assert engine.skip(TOY, turn("skip", requested="toy_name")) is None


def test_a_second_miss_does_what_the_spec_says():
    first = engine.missed(TOY, turn("green"), None)
    assert first == Outcome({"toy_attempts": {"toy_colour": 1}}, [Say("utter_hint_colour")])
    second = engine.missed(TOY, turn("green", values={"toy_attempts": {"toy_colour": 1}}), None)
    assert second == Outcome(
        {"toy_attempts": {"toy_colour": 2}, "toy_colour": SKIPPED}, [Say("utter_skipped")]
    )
    named = engine.missed(
        TOY, turn("42", requested="toy_name", values={"toy_attempts": {"toy_name": 1}}), None
    )
    assert named.slots == {"toy_attempts": {"toy_name": 2}, "toy_cancelled": True}


def test_buttons_are_the_choices_then_skip_after_a_miss_then_the_forms_own():
    titles = [b["title"] for b in engine.buttons(TOY, "toy_colour", {})]
    assert titles == ["Red", "Blue", "Skip the rest"]
    retried = engine.buttons(TOY, "toy_colour", {"toy_attempts": {"toy_colour": 1}})
    assert [b["title"] for b in retried] == ["Red", "Blue", "Skip", "Skip the rest"]
    assert engine.buttons(TOY, "toy_name", {}) == []


def test_the_summary_reads_the_answers_back_with_their_labels_in_order():
    assert engine.summary(TOY.fields, {"toy_colour": "red", "toy_name": "Tom"}, {}) == [
        "Name: Tom",
        "Model: red",
    ]
    assert engine.summary(TOY.fields, {"toy_colour": SKIPPED}, {}) == []


def test_questions_and_stored_fields_come_from_the_spec_list():
    assert questions(TOY.fields) == ("toy_name", "toy_colour")
    assert [spec.slot for spec in stored(TOY.fields)] == ["toy_colour"]


@pytest.mark.parametrize(
    "spec",
    list(lead_fields.LEAD_FIELDS) + list(advisor_fields.fields(default_rules())),
    ids=lambda spec: spec.slot,
)
def test_every_text_key_a_spec_names_is_in_the_catalogue(spec):
    for key in (spec.label, spec.export_label, spec.words):
        if key:
            assert key in messages.catalogue(), key


def test_the_lead_forms_stored_answers_keep_not_sure_only_where_it_scores():
    keeps = {spec.stored.column for spec in lead_fields.ANSWERS if spec.stored and spec.stored.keeps_not_sure}
    assert keeps == {"budget", "timeline"}
