"""The texts a visitor or operator reads that are not domain responses, by key, one catalogue
per language: data/messages/<language>.yml.

Each file holds `area.name: text` pairs (str.format {placeholders}) and one `words` section: the
word lists the readers of that language use (`words.<name>`: a list, or a mapping such as
ordinal -> index), whose entries may be regex fragments ("servers?"). Domain responses (domain.yml, utter_*) are the other half of the catalogue;
bot.text.check checks both together with the code that reads them (`bot messages check`).

The texts are read once per process. Module-level constants built from them (button dicts) hold
the default language; a second language reads `text(key, language)` where it knows the visitor's.
"""

from __future__ import annotations

import re
import string
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DEFAULT_LANGUAGE = "en"
# the repository's root (not bot.settings.ROOT: settings imports bot.web.limits, which reads texts)
FOLDER = Path(__file__).resolve().parents[2] / "data" / "messages"
WORDS = "words"  # the section of a catalogue that holds the readers' word lists
_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


class MessageError(KeyError):
    """A key no catalogue holds (a bug: `bot messages check` finds every key used in code)."""


def languages(folder: Path = FOLDER) -> list[str]:
    """The languages with a catalogue, the default first."""
    found = sorted(p.stem for p in Path(folder).glob("*.yml"))
    return sorted(found, key=lambda code: code != DEFAULT_LANGUAGE)


def _is_word_list(found: Any) -> bool:
    """A list of strings, or a mapping from strings to strings, numbers or lists of strings."""
    if isinstance(found, list):
        return all(isinstance(w, str) for w in found)
    if isinstance(found, dict):
        return all(
            isinstance(k, str) and (isinstance(v, (str, int)) and not isinstance(v, bool) or _is_word_list(v))
            for k, v in found.items()
        )
    return False


@lru_cache(maxsize=16)
def _load(language: str, folder: Path) -> tuple[dict[str, str], dict[str, Any]]:
    path = Path(folder) / f"{language}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected key: text pairs")
    lists = data.pop(WORDS, None) or {}
    if not isinstance(lists, dict):
        raise ValueError(f"{path}: `{WORDS}` must map names to lists or mappings")
    for name, found in lists.items():
        if not _is_word_list(found):
            raise ValueError(
                f"{path}: {WORDS}.{name} must be a list of words or a mapping of words (quote yes, no, on, off)"
            )
    if not all(isinstance(v, str) for v in data.values()):
        raise ValueError(f"{path}: expected key: text pairs (and a `{WORDS}` section)")
    return {str(k): v for k, v in data.items()}, {str(k): v for k, v in lists.items()}


def catalogue(language: str = DEFAULT_LANGUAGE, folder: Path = FOLDER) -> dict[str, str]:
    """key -> text of one language."""
    return _load(language, Path(folder))[0]


def word_lists(language: str = DEFAULT_LANGUAGE, folder: Path = FOLDER) -> dict[str, Any]:
    """name -> word list (or mapping) of one language."""
    return _load(language, Path(folder))[1]


def _in(language: str, pick) -> Any:
    """`pick(language)`, else the default language's (a language may lack a text until written)."""
    for lang in dict.fromkeys((language, DEFAULT_LANGUAGE)):
        try:
            found = pick(lang)
        except FileNotFoundError:
            found = None
        if found is not None and found != {}:
            return found
    return None


def text(key: str, language: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The text for `key` in `language` (the default language's when that one lacks it), with
    its {placeholders} filled from `values`."""
    found = _in(language, lambda lang: catalogue(lang).get(key))
    if found is None:
        raise MessageError(key)
    return found.format(**values) if values else found


def section(prefix: str, language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """The texts under `prefix.`, by the rest of their key: section("knowledge.topic")["overview"]."""
    head = prefix + "."

    def pick(lang: str) -> dict[str, str]:
        return {k[len(head) :]: v for k, v in catalogue(lang).items() if k.startswith(head)}

    found = _in(language, pick)
    if not found:
        raise MessageError(prefix)
    return found


def button(key: str, payload: str, language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """A quick-reply button whose title is the text for `key`."""
    return {"title": text(key, language), "payload": payload}


def words(name: str, language: str = DEFAULT_LANGUAGE) -> Any:
    """The word list `name` of `language` (the default language's when that one lacks it)."""
    found = _in(language, lambda lang: word_lists(lang).get(name))
    if found is None:
        raise MessageError(f"{WORDS}.{name}")
    return found


def pattern(name: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The word list `name` as a regex alternation, in its order ("premium|top|24/7"): a list's
    entries are regex fragments ("servers?", "24 ?h(ours)? a day")."""
    return "|".join(words(name, language))


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def problems(folder: Path = FOLDER) -> list[str]:
    """One line per problem between the languages' catalogues: a malformed key, a key or word
    list missing in a language, placeholders that differ."""
    found: list[str] = []
    langs = languages(folder)
    if DEFAULT_LANGUAGE not in langs:
        return [f"{folder}: no {DEFAULT_LANGUAGE}.yml"]
    base = catalogue(DEFAULT_LANGUAGE, folder)
    found += [
        f"{DEFAULT_LANGUAGE}: key {key!r} is not of the form area.name" for key in base if not _KEY.match(key)
    ]
    base_words = word_lists(DEFAULT_LANGUAGE, folder)
    for lang in langs[1:]:
        other = catalogue(lang, folder)
        found += [f"{lang}: {key} is missing" for key in base if key not in other]
        found += [f"{lang}: {key} is not in {DEFAULT_LANGUAGE}" for key in other if key not in base]
        found += [
            f"{lang}: {key} has placeholders {sorted(placeholders(other[key]))}, not {sorted(placeholders(base[key]))}"
            for key in base
            if key in other and placeholders(other[key]) != placeholders(base[key])
        ]
        other_words = word_lists(lang, folder)
        found += [f"{lang}: {WORDS}.{name} is missing" for name in base_words if name not in other_words]
        found += [
            f"{lang}: {WORDS}.{name} is not in {DEFAULT_LANGUAGE}"
            for name in other_words
            if name not in base_words
        ]
    return found
