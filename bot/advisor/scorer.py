"""Which sourcing model fits a visitor, and why: a small scorer over the rules in data/advisor_rules.yml.

Pure: answers in, advice out, like the lead score. The order of the decision:
1. Answers that cannot both hold (the rules' `conflicts`) -> "it depends on ...".
2. Too little to go on (no kind of work, few other answers) -> "it depends on the kind of work".
3. A running part and a change part (said so, or monitoring needed while building or adding
   specialists) -> mix of managed services and the partner model.
4. Otherwise points per model; the winner must lead by the rules' margin and fit the kind of
   work (scope and responsibility comes first), else "it depends" on the criteria where the
   answers pull apart.
Every recommendation comes with one reason per criterion of the seed article, in its terms.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.advisor.rules import MODELS, Option, Rules
from bot.text import messages

SIDE_OF = {"managed_services": "managed_services", "it_outsourcing": "it_outsourcing"}


@dataclass(frozen=True)
class NamedSystem:
    """A catalogue service the visitor named for the systems question."""

    slug: str
    side: str  # catalogue side: managed_services or it_outsourcing
    name: str


@dataclass(frozen=True)
class Reason:
    criterion: str
    title: str
    text: str
    supports: bool  # False: the visitor's answer pulls the other way (a caveat)


@dataclass(frozen=True)
class Advice:
    recommendation: str | None  # None: it depends (see depends_on)
    reasons: tuple[Reason, ...] = ()
    depends_on: tuple[str, ...] = ()
    services: tuple[str, ...] = ()  # catalogue slugs that fit the advice
    scores: Mapping[str, int] = field(default_factory=dict)
    partner: str | None = None  # for a mix: the model doing the change work


def _answered(rules: Rules, answers: Mapping[str, Any]) -> dict[str, Option]:
    """The answers that are options of their question (skipped and "not sure" are left out)."""
    out = {}
    for slot, question in rules.questions.items():
        option = question.options.get(str(answers.get(slot)))
        if option is not None:
            out[slot] = option
    return out


def model_of_system(rules: Rules, system: NamedSystem) -> str:
    if system.slug in rules.staff_services:
        return "staff_augmentation"
    return SIDE_OF.get(system.side, "it_outsourcing")


def scores(rules: Rules, chosen: Mapping[str, Option], systems: Sequence[NamedSystem]) -> dict[str, int]:
    total = dict.fromkeys(MODELS, 0)
    for option in chosen.values():
        for model, points in option.points.items():
            total[model] += points
    for model in {model_of_system(rules, s) for s in systems}:
        total[model] += rules.systems_points.get(model, 0)
    return total


def _supports(points: Mapping[str, int], recommendation: str, partner: str | None) -> bool:
    wanted = ("managed_services", partner) if recommendation == "mix" else (recommendation,)
    return any(points.get(model, 0) > 0 for model in wanted if model)


def _systems_said(rules: Rules, systems: Sequence[NamedSystem]) -> str:
    return rules.systems_said.format(names=", ".join(s.name for s in systems[:3]))


def reasons(
    rules: Rules,
    recommendation: str,
    chosen: Mapping[str, Option],
    systems: Sequence[NamedSystem],
    partner: str | None = None,
) -> tuple[Reason, ...]:
    """One reason per criterion: the visitor's answer that supports the advice, else a caveat."""
    out = []
    for criterion, title in rules.criteria.items():
        terms = rules.model_terms[recommendation][criterion]
        said = [
            (option.said, option.points)
            for slot, option in chosen.items()
            if rules.questions[slot].criterion == criterion
        ]
        if systems and rules.systems_criterion == criterion:
            models = {model_of_system(rules, s) for s in systems}
            said.append((_systems_said(rules, systems), dict.fromkeys(models, 1)))
        support = next((text for text, points in said if _supports(points, recommendation, partner)), None)
        if support:
            out.append(
                Reason(
                    criterion,
                    title,
                    messages.text("advisor.reason.supports", said=support, terms=terms),
                    True,
                )
            )
        elif said:
            caveat = messages.text("advisor.reason.caveat", said=said[0][0], terms=terms)
            out.append(Reason(criterion, title, caveat, False))
        else:
            out.append(Reason(criterion, title, terms, True))
    return tuple(out)


def _pulling_apart(rules: Rules, chosen: Mapping[str, Option], first: str, second: str) -> tuple[str, ...]:
    """What the advice depends on when two models are close: an answer for each side."""
    parts = []
    for model in (first, second):
        for slot, option in chosen.items():
            if option.points.get(model, 0) > option.points.get(first if model == second else second, 0):
                title = rules.criteria[rules.questions[slot].criterion].lower()
                parts.append(
                    messages.text(
                        "advisor.depends.points_to",
                        title=title,
                        said=option.said,
                        model=rules.recommendations[model],
                    )
                )
                break
    return tuple(parts)


def matching_services(
    rules: Rules, recommendation: str, partner: str | None, systems: Sequence[NamedSystem]
) -> tuple[str, ...]:
    """Named services that fit the advice, else the rules' defaults for it (at most four)."""
    models = ("managed_services", partner) if recommendation == "mix" else (recommendation,)
    named = [
        s.slug
        for s in systems
        if model_of_system(rules, s) in models
        or (recommendation == "staff_augmentation" and s.side == "it_outsourcing")
    ]
    if recommendation == "staff_augmentation":
        named = list(dict.fromkeys(list(rules.default_services.get(recommendation, ())) + named))
    if not named:
        for model in models:
            named += list(rules.default_services.get(model or "", ()))[: 1 if recommendation == "mix" else 2]
    return tuple(dict.fromkeys(named))[:4]


def advise(rules: Rules, answers: Mapping[str, Any], systems: Sequence[NamedSystem] = ()) -> Advice:
    """The advice for these answers (slot -> option value; anything else counts as unanswered)."""
    chosen = _answered(rules, answers)
    total = scores(rules, chosen, systems)
    values = {slot: option.value for slot, option in chosen.items()}
    clashes = tuple(
        c.depends_on
        for c in rules.conflicts
        if all(values.get(slot) == value for slot, value in c.when.items())
    )
    if clashes:
        return Advice(None, depends_on=clashes[:2], scores=total)
    work = values.get("advice_work")
    if work is None and len(chosen) < rules.min_answers_without_work:
        return Advice(None, depends_on=(rules.unknown_work_depends_on,), scores=total)
    partner = rules.partner_by_work.get(work or "")
    running = work in ("run_build", "run_specialists") or (
        values.get("advice_operations") in rules.mix_operations and work in ("build", "specialists")
    )
    if running and partner:
        return Advice(
            "mix",
            reasons(rules, "mix", chosen, systems, partner),
            services=matching_services(rules, "mix", partner, systems),
            scores=total,
            partner=partner,
        )
    ranked = sorted(MODELS, key=lambda m: (-total[m], MODELS.index(m)))
    first, second = ranked[0], ranked[1]
    work_points = chosen["advice_work"].points if "advice_work" in chosen else {}
    against_work = bool(work_points) and work_points.get(first, 0) == 0
    if against_work:
        second = max(work_points, key=lambda m: work_points[m])  # the kind of work says otherwise
    if against_work or total[first] - total[second] < rules.margin:
        depends = _pulling_apart(rules, chosen, first, second) or (rules.unknown_work_depends_on,)
        return Advice(None, depends_on=depends, scores=total)
    return Advice(
        first,
        reasons(rules, first, chosen, systems),
        services=matching_services(rules, first, None, systems),
        scores=total,
    )
