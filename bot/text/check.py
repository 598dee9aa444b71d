"""`bot messages check`: the message catalogues, the domain's responses and the code that reads
them agree.

- every language has the default language's keys, word lists and {placeholders}
  (bot.text.messages.problems);
- every key the code reads exists, and every key of the catalogue is read somewhere: the code
  names keys as string literals in calls of bot.text.messages (`messages.text("area.name")`,
  `section`, `button`, `words`, `pattern`), found in its syntax tree, never built at run
  time (a family of keys is read with `section("area")`);
- every domain response (domain.yml and the `responses:` of data/*.yml) has a variation for each
  language with a catalogue: the default language's without a condition, another's with
  `condition: [{type: slot, name: language, value: <code>}]`, with the same {placeholders}.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from bot.text import messages

ROOT = messages.FOLDER.parent.parent
CODE = (ROOT / "bot", ROOT / "actions")
# domain.yml and the training data, where retrieval intents keep their responses (not the catalogues)
DOMAIN = (
    ROOT / "domain.yml",
    *sorted(p for p in (ROOT / "data").rglob("*.yml") if messages.FOLDER not in p.parents),
)
KEYED = {"text": "text", "button": "text", "section": "section", "words": "words", "pattern": "words"}
LANGUAGE_SLOT = "language"
KEY = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")
FAMILY = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)*\.$")


def _aliases(tree: ast.AST) -> set[str]:
    """The names bot.text.messages goes by in a module (`from bot.text import messages as texts`)."""
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "bot.text"
        for alias in node.names
        if alias.name == "messages"
    }


def used_keys(roots: Iterable[Path] = CODE) -> dict[str, set[str]]:
    """kind (text, section, words) -> the keys that `messages.<call>("key", ...)` name in the code."""
    used: dict[str, set[str]] = defaultdict(set)
    for root in roots:
        for path in sorted(Path(root).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            names = _aliases(tree)
            pieced: set[int] = set()  # keys pieced together in a call (an error, not a family)
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args):
                    continue
                owner, first = node.func.value, node.args[0]
                if not (isinstance(owner, ast.Name) and owner.id in names and node.func.attr in KEYED):
                    continue
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    used[KEYED[node.func.attr]].add(first.value)
                elif isinstance(first, (ast.JoinedStr, ast.BinOp)):
                    # a key pieced together in the call: nothing can tell which keys it reads
                    where = path.relative_to(ROOT) if ROOT in path.parents else path
                    used["dynamic"].add(f"{where}:{node.lineno}")
                    pieced.add(id(first))
            # keys held as data (a form's field specs, a table of labels) and read through a
            # variable: a literal that is a key, or an f-string family ("lead.label.{name}")
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and KEY.match(node.value):
                    used["named"].add(node.value)
                elif isinstance(node, ast.JoinedStr) and node.values and id(node) not in pieced:
                    head = node.values[0]
                    if (
                        isinstance(head, ast.Constant)
                        and isinstance(head.value, str)
                        and FAMILY.match(head.value)
                    ):
                        used["family"].add(head.value.rstrip("."))
    return used


def code_problems(used: Mapping[str, set[str]], folder: Path = messages.FOLDER) -> list[str]:
    """Keys the code reads that the default catalogue lacks, and catalogue keys nobody reads."""
    texts = messages.catalogue(messages.DEFAULT_LANGUAGE, folder)
    lists = messages.word_lists(messages.DEFAULT_LANGUAGE, folder)
    sections = used.get("section", set())
    found = [
        f"code: a key built at run time ({where}): name it as a literal" for where in used.get("dynamic", ())
    ]
    found += [
        f"code reads {key}, which is not in the catalogue"
        for key in sorted(used.get("text", ()))
        if key not in texts
    ]
    found += [
        f"code reads the section {prefix}, which has no texts"
        for prefix in sorted(sections)
        if not any(key.startswith(prefix + ".") for key in texts)
    ]
    found += [
        f"code reads {messages.WORDS}.{name}, which is not in the catalogue"
        for name in sorted(used.get("words", ()))
        if name not in lists
    ]
    read = used.get("text", set()) | used.get("named", set())
    families = set(sections) | used.get("family", set())
    found += [
        f"{key} is in the catalogue but no code reads it"
        for key in texts
        if key not in read and not any(key.startswith(prefix + ".") for prefix in families)
    ]
    found += [
        f"{messages.WORDS}.{name} is in the catalogue but no code reads it"
        for name in lists
        if name not in used.get("words", set())
    ]
    return found


def responses(files: Iterable[Path] = DOMAIN) -> dict[str, list[dict[str, Any]]]:
    """Every domain response by name, from domain.yml and the training data's `responses:`."""
    found: dict[str, list[dict[str, Any]]] = {}
    for path in files:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        if isinstance(data, dict) and isinstance(data.get("responses"), dict):
            found.update(data["responses"])
    return found


def variation_language(variation: Mapping[str, Any]) -> str:
    """The language a response variation is for: its `language` slot condition, else the default."""
    for condition in variation.get("condition") or []:
        if condition.get("type") == "slot" and condition.get("name") == LANGUAGE_SLOT:
            return str(condition.get("value"))
    return messages.DEFAULT_LANGUAGE


def response_problems(found: Mapping[str, list[dict[str, Any]]], langs: list[str]) -> list[str]:
    """A response without a variation in a language with a catalogue, or whose variations in two
    such languages have different {placeholders}."""
    problems = []
    for name, variations in found.items():
        by_language: dict[str, set[str]] = {}
        for variation in variations or []:
            said = messages.placeholders(str(variation.get("text") or ""))
            by_language.setdefault(variation_language(variation), set()).update(said)
        for lang in langs:
            if lang not in by_language:
                problems.append(f"domain: {name} has no {lang} variation")
            elif by_language[lang] != by_language.get(langs[0], by_language[lang]):
                problems.append(
                    f"domain: {name} in {lang} has placeholders {sorted(by_language[lang])}, "
                    f"not {sorted(by_language[langs[0]])}"
                )
    return problems


def problems(
    folder: Path = messages.FOLDER, roots: Iterable[Path] = CODE, domain: Iterable[Path] = DOMAIN
) -> list[str]:
    """Everything `bot messages check` reports, one line per problem."""
    found = messages.problems(folder)
    if found and found[0].endswith(f"no {messages.DEFAULT_LANGUAGE}.yml"):
        return found
    found += code_problems(used_keys(roots), folder)
    return found + response_problems(responses(domain), messages.languages(folder))
