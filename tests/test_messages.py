"""The message catalogue: every key the code reads exists, every key is read, every language has
every key and word list with the same placeholders, every domain response has a variation per
language (one language today; the check is what makes a second one safe to add)."""

from __future__ import annotations

import pytest

from bot import cli
from bot.text import check, messages


def test_the_catalogues_the_domain_and_the_code_agree():
    assert check.problems() == []


def test_every_key_the_code_reads_exists():
    used = check.used_keys()
    assert len(used["text"]) > 100, "the texts are read through bot.text.messages"
    assert sorted(used["text"] - set(messages.catalogue())) == []
    assert sorted(used["words"] - set(messages.word_lists())) == []
    assert "dynamic" not in used


def test_bot_messages_check_passes_on_the_tree(capsys):
    assert cli.main(["messages", "check"]) == 0
    assert capsys.readouterr().out.startswith("messages: ")


def test_a_missing_key_or_placeholder_in_another_language_fails(tmp_path):
    (tmp_path / "en.yml").write_text(
        "a.one: 'Hello {name}'\na.two: 'Bye'\nBad: 'x'\nwords:\n  agree: [sure, yep]\n"
    )
    (tmp_path / "pl.yml").write_text("a.one: 'Cześć'\na.three: 'x'\nwords:\n  nie: [nie]\n")
    assert messages.problems(tmp_path) == [
        "en: key 'Bad' is not of the form area.name",
        "pl: a.two is missing",
        "pl: Bad is missing",
        "pl: a.three is not in en",
        "pl: a.one has placeholders [], not ['name']",
        "pl: words.agree is missing",
        "pl: words.nie is not in en",
    ]


def _code(tmp_path, source: str):
    code = tmp_path / "code"
    code.mkdir()
    (code / "module.py").write_text("from bot.text import messages\n\n" + source)
    return [code]


def _catalogue(tmp_path, *languages: str):
    folder = tmp_path / "messages"
    folder.mkdir()
    for lang in languages:
        (folder / f"{lang}.yml").write_text(
            "a.one: 'Hello {name}'\na.two: 'Bye'\nb.x.left: 'Left'\nb.x.right: 'Right'\n"
            "words:\n  ordinals: {first: 0}\n  spare: [x]\n"
        )
    return folder


def _domain(tmp_path, responses: str):
    path = tmp_path / "domain.yml"
    path.write_text("responses:\n" + responses)
    return [path]


def test_an_unused_key_a_missing_key_and_a_key_built_at_run_time_fail(tmp_path):
    folder = _catalogue(tmp_path, "en")
    roots = _code(
        tmp_path,
        'messages.text("a.one", name="A")\nmessages.text("a.gone")\nmessages.section("b.x")\n'
        'messages.words("ordinals")\nmessages.text(f"a.{1}")\nmessages.pattern("nowhere")\n',
    )
    found = check.problems(folder, roots, _domain(tmp_path, "  utter_hi:\n    - text: hi\n"))
    assert found[0].startswith("code: a key built at run time (") and "module.py:7" in found[0]
    assert found[1:] == [
        "code reads a.gone, which is not in the catalogue",
        "code reads words.nowhere, which is not in the catalogue",
        "a.two is in the catalogue but no code reads it",
        "words.spare is in the catalogue but no code reads it",
    ]


def test_every_key_read_passes(tmp_path):
    folder = _catalogue(tmp_path, "en")
    roots = _code(
        tmp_path,
        "from bot.text import messages as texts\n"
        'messages.text("a.one", name="A")\ntexts.button("a.two", "/x")\nmessages.section("b.x")\n'
        'messages.words("ordinals")\nmessages.pattern("spare")\n',
    )
    assert check.problems(folder, roots, _domain(tmp_path, "  utter_hi:\n    - text: hi\n")) == []


def test_a_response_without_a_variation_in_a_language_fails(tmp_path):
    folder = _catalogue(tmp_path, "en", "pl")
    roots = _code(
        tmp_path,
        'messages.text("a.one")\nmessages.text("a.two")\nmessages.section("b.x")\n'
        'messages.words("ordinals")\nmessages.words("spare")\n',
    )
    pl = "      condition: [{type: slot, name: language, value: pl}]\n"
    domain = _domain(
        tmp_path,
        "  utter_both:\n    - text: 'Hi {name}'\n    - text: 'Cześć {name}'\n"
        + pl
        + "  utter_en_only:\n    - text: 'Hi'\n"
        + "  utter_other_placeholders:\n    - text: 'Hi {name}'\n    - text: 'Cześć'\n"
        + pl,
    )
    assert check.problems(folder, roots, domain) == [
        "domain: utter_en_only has no pl variation",
        "domain: utter_other_placeholders in pl has placeholders [], not ['name']",
    ]
    # with English only, a response needs only its English variation
    assert check.response_problems(check.responses(domain), ["en"]) == []


def test_text_fills_placeholders_and_refuses_unknown_keys():
    assert messages.text("catalogue.which_service").startswith("Which service")
    assert messages.text("terms.minimum", name="X", months=12, renewal="") == "X has a 12-month minimum term."
    with pytest.raises(messages.MessageError):
        messages.text("no.such_key")
    with pytest.raises(messages.MessageError):
        messages.words("no_such_list")


def test_a_word_list_yaml_would_read_as_booleans_is_refused(tmp_path):
    (tmp_path / "en.yml").write_text("a.one: 'x'\nwords:\n  agree: [yes, sure]\n")
    with pytest.raises(ValueError, match="words.agree"):
        messages.word_lists("en", tmp_path)


def test_word_lists_sit_beside_the_texts():
    assert messages.words("ordinals")["second"] == 1
    assert messages.section("knowledge.topic")["overview"] == "The difference"
    assert messages.pattern("round_the_clock").startswith("24/7|")


def test_keys_held_as_data_count_as_read(tmp_path):
    """A form's field specs name their keys as data and the engine reads them through a variable:
    a literal that is a key, or an f-string family (`f"b.x.{side}"`), counts as read."""
    folder = _catalogue(tmp_path, "en")
    roots = _code(
        tmp_path,
        'LABEL = "a.two"\nSIDES = [f"b.x.{side}" for side in ("left", "right")]\n'
        'def say(key):\n    return messages.text(key, name="A")\n'
        'messages.text("a.one", name="A")\nmessages.words("ordinals")\nmessages.words("spare")\n',
    )
    assert check.problems(folder, roots, _domain(tmp_path, "  utter_hi:\n    - text: hi\n")) == []
    # without the data, the same keys are unused
    bare = _code(tmp_path / "bare", "") if (tmp_path / "bare").mkdir() is None else None
    found = check.problems(folder, bare, _domain(tmp_path, "  utter_hi:\n    - text: hi\n"))
    assert "a.two is in the catalogue but no code reads it" in found
    assert "b.x.left is in the catalogue but no code reads it" in found
