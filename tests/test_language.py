"""bot.nlp.language: other languages are recognised; English, names and loan words are not."""

import pytest
import yaml

from bot.nlp.language import detect, notice
from tests.conftest import ROOT


@pytest.mark.parametrize(
    "text, code",
    [
        ("Dzień dobry, czy oferujecie usługi zarządzane?", "pl"),
        ("ile kosztuje helpdesk dla 50 osób", "pl"),
        ("czy mozecie nam pomoc z backupem", "pl"),
        ("dziękuję", "pl"),
        ("Guten Tag, bieten Sie Managed Services an?", "de"),
        ("was kostet der helpdesk pro monat", "de"),
        ("Wir brauchen Hilfe bei der Migration", "de"),
        ("bonjour, quels services proposez-vous ?", "fr"),
        ("hola, cuánto cuesta el servicio de backup", "es"),
    ],
)
def test_other_languages(text, code):
    assert detect(text) == code


@pytest.mark.parametrize(
    "text",
    [
        "what is the difference between outsourcing and managed services",
        "do u do backups? we lost a file last month",
        "Kasia Wiśniewska",
        "my name is Jürgen Müller",
        "sure, it's Marek Nowak",
        "we're in Łódź and Gdańsk",
        "die hard fan of managed services",
        "Los Angeles office",
        "kubernetes",
        "",
        None,
        # names and companies, whatever their letters (issue 16)
        "Wojciech",
        "Wiśniewska",
        "Łukasz Nowak",
        "Pani Wiśniewska",
        "Grzegorz Brzęczyszczykiewicz",
        "Żabka Sp. z o.o.",
        "Müller GmbH",
        "Müller GmbH & Co. KG",
        "Nasza Firma Sp. z o.o.",
    ],
)
def test_english_and_names_stay_english(text):
    assert detect(text) is None
    assert notice(text) is None


@pytest.mark.parametrize("text", ["dziękuję", "Wojciech", "danke", "Zoë", "helpdesk"])
def test_a_single_word_never_gets_the_notice(text):
    assert notice(text) is None


@pytest.mark.parametrize(
    "text, code",
    [
        ("Czy oferujecie helpdesk?", "pl"),
        ("Wie viel kostet das?", "de"),
        ("Dzień Dobry", "pl"),  # two words of the language, though capitalised like a name
        ("Nazywam się Jan Kowalski", "pl"),  # a sentence (the name question reads the name)
    ],
)
def test_sentences_still_get_the_notice(text, code):
    assert notice(text) == code


def test_every_detected_language_has_its_own_answer():
    domain = yaml.safe_load(open(f"{ROOT}/domain.yml", encoding="utf-8"))
    variations = domain["responses"]["utter_other_language"]
    conditioned = {v["condition"][0]["value"] for v in variations if "condition" in v}
    assert conditioned == {"pl", "de", "fr", "es"}
    for variation in variations:
        assert len(variation["text"].split()) <= 80
        assert "/request_sales_contact" in [b["payload"] for b in variation["buttons"]]
