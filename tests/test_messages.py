"""The message catalogue: every key used exists, every language has every key with the same
placeholders (one language today; the check is what makes a second one safe to add)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.text import messages

ROOT = Path(__file__).resolve().parent.parent
USED = re.compile(r"""messages\.text\(\s*["']([a-z0-9_.]+)["']""")


def test_the_catalogues_agree():
    assert messages.problems() == []


def test_every_key_the_code_uses_exists():
    used = {key for path in (ROOT / "bot").rglob("*.py") for key in USED.findall(path.read_text())}
    used |= {key for path in (ROOT / "actions").rglob("*.py") for key in USED.findall(path.read_text())}
    assert used, "no message is read through bot.text.messages"
    assert sorted(used - set(messages.catalogue())) == []


def test_a_missing_key_or_placeholder_in_another_language_fails(tmp_path):
    (tmp_path / "en.yml").write_text("a.one: 'Hello {name}'\na.two: 'Bye'\nBad: 'x'\n")
    (tmp_path / "pl.yml").write_text("a.one: 'Cześć'\na.three: 'x'\n")
    assert messages.problems(tmp_path) == [
        "en: key 'Bad' is not of the form area.name",
        "pl: a.two is missing",
        "pl: Bad is missing",
        "pl: a.three is not in en",
        "pl: a.one has placeholders [], not ['name']",
    ]


def test_text_fills_placeholders_and_refuses_unknown_keys():
    assert messages.text("catalogue.which_service").startswith("Which service")
    with pytest.raises(messages.MessageError):
        messages.text("no.such_key")
