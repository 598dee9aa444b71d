"""Visitor text is stored without control characters, printed escaped, exported inert."""

import pytest
from sales_fixtures import lead_input

from bot.forms.turns import Say
from bot.sales import fields, sanitize, validation
from bot.sales.repository import LeadInput, save_lead


@pytest.mark.parametrize(
    "raw, stored",
    [
        ("Jane\x1b[31m Doe\x1b[0m", "Jane Doe"),
        ("Acme\x1b]0;owned\x07 GmbH", "Acme GmbH"),
        ("Ac\x00me\r\n\tGmbH\u202e", "Acme GmbH"),
        ("a\x9b2Jb \ud800c", "ab c"),
        ("\x1b" * 5 + " Zo\u00eb", "Zo\u00eb"),  # ESC takes the character after it
    ],
)
def test_plain_removes_escapes_and_controls(raw, stored):
    assert sanitize.plain(raw) == stored


def test_for_terminal_shows_controls_as_escapes():
    assert sanitize.for_terminal("a\x1b[2Jb\n\u202e") == "a\\x1b[2Jb\\n\\u202e"
    assert sanitize.for_terminal(None) == "" and sanitize.for_terminal(7) == "7"


@pytest.mark.parametrize("cell", ["=1+1", "+44 20", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_for_csv_defuses_formulas(cell):
    assert sanitize.for_csv(cell) == "'" + cell


def test_for_csv_leaves_other_values_alone():
    assert [sanitize.for_csv(v) for v in ("Anna", "O'Brien", 5, None)] == ["Anna", "O'Brien", 5, None]


@pytest.mark.parametrize("name", ["Jane Doe", "Anne-Marie O'Brien", "José Müller", "李小龍", "Dr. Smith"])
def test_names_people_have_are_accepted(name):
    assert validation.validate_name(name) == name
    assert fields.check_name(name).value == name


@pytest.mark.parametrize(
    "name",
    [
        '=HYPERLINK("http://evil.example","click")',
        "+cmd|' /C calc'!A0",
        "@SUM(1+1)",
        "-2+3",
        "<script>alert(1)</script>",
        "Jane Doe 2",
        "jane@acme.com",
        "http://evil.example",
        "",
        "x" * 101,
    ],
)
def test_formula_like_or_odd_names_are_refused(name):
    with pytest.raises(validation.InvalidInput):
        validation.validate_name(name)
    check = fields.check_name(name)
    assert check.value is None and check.hint == Say("utter_lead_hint_name")


def test_name_with_escape_codes_is_stored_clean(engine):
    typed = lead_input("c1", name="Jane\x1b[2J Doe", company="Acme\x07", page_url="javascript:alert(1)")
    saved = save_lead(engine, typed)
    assert (saved.name, saved.company, saved.page_url) == ("Jane Doe", "Acme", None)


def test_the_repository_refuses_a_formula_name_too(engine):
    with pytest.raises(validation.InvalidInput):
        save_lead(
            engine, LeadInput(conversation_id="c1", name="=HYPERLINK(1)", email="j@acme.com", consent=True)
        )
