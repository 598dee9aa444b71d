"""The advisor's rules (data/advisor_rules.yml), read and checked once, as plain frozen data.

The file is the project's own rules on top of the seed article's four criteria; this module only
parses it and refuses a file whose names do not fit together (a question on an unknown
criterion, points for an unknown recommendation, a conflict on an unknown answer).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.settings import get_settings

MODELS = ("managed_services", "it_outsourcing", "staff_augmentation")
RECOMMENDATIONS = MODELS + ("mix",)  # the values DESIGN.md names; leads.recommendation holds them


class RulesError(ValueError):
    """The rules file does not fit together; the message says where."""


@dataclass(frozen=True)
class Option:
    value: str
    title: str  # the quick-reply button
    said: str  # the answer in a few words, the first half of a reason
    points: Mapping[str, int]


@dataclass(frozen=True)
class Question:
    slot: str
    criterion: str
    options: Mapping[str, Option]


@dataclass(frozen=True)
class Conflict:
    when: Mapping[str, str]
    depends_on: str


@dataclass(frozen=True)
class Rules:
    margin: int
    recommendations: Mapping[str, str]  # value -> how the advice names it
    criteria: Mapping[str, str]  # key -> title, in the order reasons are given
    model_terms: Mapping[str, Mapping[str, str]]  # recommendation -> criterion -> text
    questions: Mapping[str, Question]  # slot -> question, in the order they are asked
    systems_criterion: str
    systems_said: str
    systems_points: Mapping[str, int]
    staff_services: frozenset[str]
    conflicts: tuple[Conflict, ...]
    mix_operations: frozenset[str]
    partner_by_work: Mapping[str, str]
    min_answers_without_work: int
    unknown_work_depends_on: str
    default_services: Mapping[str, tuple[str, ...]]


def _need(data: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    value = data.get(key)
    if not isinstance(value, kind):
        raise RulesError(f"{where}: '{key}' must be a {kind.__name__}")
    return value


def _points(raw: Any, where: str) -> dict[str, int]:
    if not isinstance(raw, dict) or not raw:
        raise RulesError(f"{where}: 'points' must map models to whole numbers")
    for model, points in raw.items():
        if model not in MODELS or not isinstance(points, int) or points < 0:
            raise RulesError(f"{where}: points {model}: {points} (models: {', '.join(MODELS)})")
    return dict(raw)


def parse(data: Any) -> Rules:
    if not isinstance(data, dict) or data.get("own_rules") is not True:
        raise RulesError("the advisor's rules must be a mapping marked own_rules: true")
    criteria = _need(data, "criteria", dict, "rules")
    terms = _need(data, "model_terms", dict, "rules")
    for rec in RECOMMENDATIONS:
        if set(terms.get(rec) or {}) != set(criteria):
            raise RulesError(f"model_terms.{rec}: needs a text for each criterion: {', '.join(criteria)}")
    questions: dict[str, Question] = {}
    for slot, raw in _need(data, "questions", dict, "rules").items():
        where = f"questions.{slot}"
        criterion = _need(raw, "criterion", str, where)
        if criterion not in criteria:
            raise RulesError(f"{where}: unknown criterion '{criterion}'")
        options = {}
        for value, option in _need(raw, "options", dict, where).items():
            w = f"{where}.{value}"
            options[str(value)] = Option(
                str(value),
                _need(option, "title", str, w),
                _need(option, "said", str, w),
                _points(option.get("points"), w),
            )
        questions[slot] = Question(slot, criterion, options)
    conflicts = []
    for i, raw in enumerate(data.get("conflicts") or []):
        when = _need(raw, "when", dict, f"conflicts[{i}]")
        for slot, value in when.items():
            if slot not in questions or value not in questions[slot].options:
                raise RulesError(f"conflicts[{i}]: unknown answer {slot}: {value}")
        conflicts.append(Conflict(dict(when), _need(raw, "depends_on", str, f"conflicts[{i}]")))
    systems = _need(data, "systems", dict, "rules")
    mix = _need(data, "mix", dict, "rules")
    partners = _need(mix, "partner_by_work", dict, "mix")
    if not set(partners.values()) <= set(MODELS):
        raise RulesError("mix.partner_by_work: partners must be models")
    defaults = {k: tuple(v) for k, v in _need(data, "default_services", dict, "rules").items()}
    return Rules(
        margin=_need(data, "margin", int, "rules"),
        recommendations=dict(_need(data, "recommendations", dict, "rules")),
        criteria=dict(criteria),
        model_terms={k: dict(v) for k, v in terms.items()},
        questions=questions,
        systems_criterion=_need(systems, "criterion", str, "systems"),
        systems_said=_need(systems, "said", str, "systems"),
        systems_points=_points(systems.get("points_per_side"), "systems"),
        staff_services=frozenset(systems.get("staff_augmentation_services") or ()),
        conflicts=tuple(conflicts),
        mix_operations=frozenset(_need(mix, "operations_for_running", list, "mix")),
        partner_by_work=dict(partners),
        min_answers_without_work=_need(data, "min_answers_without_work", int, "rules"),
        unknown_work_depends_on=_need(data, "unknown_work_depends_on", str, "rules"),
        default_services=defaults,
    )


def load(path: str | Path) -> Rules:
    return parse(yaml.safe_load(Path(path).read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def default_rules() -> Rules:
    """The rules in data/advisor_rules.yml (read once per process)."""
    return load(get_settings().advisor_rules_yaml)
