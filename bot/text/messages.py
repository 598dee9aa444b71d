"""The texts a visitor or operator reads that are not domain responses, by key, one catalogue
per language: data/messages/<language>.yml.

Domain responses (domain.yml, utter_*) are the other half of the catalogue; both are checked
together (`problems`): every key of the default language exists in every other, with the same
{placeholders}, so a text added in one language and not the others fails validation.
"""

from __future__ import annotations

import re
import string
from functools import lru_cache
from pathlib import Path

import yaml

from bot import settings

DEFAULT_LANGUAGE = "en"
FOLDER = settings.ROOT / "data" / "messages"
_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


class MessageError(KeyError):
    """A key no catalogue holds (a bug: every key used in code is checked by the tests)."""


def languages(folder: Path = FOLDER) -> list[str]:
    """The languages with a catalogue, the default first."""
    found = sorted(p.stem for p in Path(folder).glob("*.yml"))
    return sorted(found, key=lambda code: code != DEFAULT_LANGUAGE)


@lru_cache(maxsize=8)
def catalogue(language: str = DEFAULT_LANGUAGE, folder: Path = FOLDER) -> dict[str, str]:
    """key -> text of one language (read once per process)."""
    data = yaml.safe_load((Path(folder) / f"{language}.yml").read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ValueError(f"{folder}/{language}.yml: expected key: text pairs")
    return {str(k): v for k, v in data.items()}


def text(key: str, language: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The text for `key` in `language` (the default language's when that one lacks it), with
    its {placeholders} filled from `values`."""
    for lang in dict.fromkeys((language, DEFAULT_LANGUAGE)):
        try:
            found = catalogue(lang).get(key)
        except FileNotFoundError:
            found = None
        if found is not None:
            return found.format(**values) if values else found
    raise MessageError(key)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def problems(folder: Path = FOLDER) -> list[str]:
    """One line per problem: a malformed key, a key missing in a language, placeholders that differ."""
    found: list[str] = []
    langs = languages(folder)
    if DEFAULT_LANGUAGE not in langs:
        return [f"{folder}: no {DEFAULT_LANGUAGE}.yml"]
    base = catalogue(DEFAULT_LANGUAGE, folder)
    found += [
        f"{DEFAULT_LANGUAGE}: key {key!r} is not of the form area.name" for key in base if not _KEY.match(key)
    ]
    for lang in langs[1:]:
        other = catalogue(lang, folder)
        found += [f"{lang}: {key} is missing" for key in base if key not in other]
        found += [f"{lang}: {key} is not in {DEFAULT_LANGUAGE}" for key in other if key not in base]
        found += [
            f"{lang}: {key} has placeholders {sorted(placeholders(other[key]))}, not {sorted(placeholders(base[key]))}"
            for key in base
            if key in other and placeholders(other[key]) != placeholders(base[key])
        ]
    return found
