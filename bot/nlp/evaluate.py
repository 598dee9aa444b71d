"""NLU quality gates that `rasa test` lacks.

check-f1 REPORT --min 0.90   fail when the macro-F1 of a `rasa test nlu` intent report
                             is below the threshold
compare SET... --model M      ours vs a TF-IDF + logistic-regression baseline fitted now on
                             the same training data, side by side on each evaluation set
                             (held-out split, our proxy set, shared/eval/realworld_dev.yml):
                             accuracy, gap, out-of-scope recall, share answered confidently
                             with another topic; optional gates per set
(sources left out: bot.nlp.grouped)
entities FILE --model M      F1 of the `service` entity on the held-out split. Rasa's
                             own report skips SpacyEntityExtractor (it counts it as
                             pretrained), so this scores it: a predicted span counts
                             when it overlaps an annotated span of the same entity
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

import yaml


def macro_f1(report_path: Path) -> float:
    report = json.loads(Path(report_path).read_text())
    return float(report["macro avg"]["f1-score"])


def check_f1(report_path: Path, minimum: float) -> int:
    score = macro_f1(report_path)
    verdict = "ok" if score >= minimum else "FAILED"
    print(f"NLU intent macro-F1 on the held-out split: {score:.3f} (minimum {minimum:.2f}) {verdict}")
    return 0 if score >= minimum else 1


def load_items(path: Path) -> list[dict]:
    return [item for item in yaml.safe_load(Path(path).read_text())["items"] if item.get("text")]


async def _parse_all(model: Path, texts: list[str]) -> list[dict]:
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    # Rasa logs every parsed message at debug level; keep the report readable
    logging.getLogger().setLevel(logging.WARNING)
    configure_structlog(logging.WARNING)

    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def _overlaps(a: dict, b: dict) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def entity_scores(gold: list[list[dict]], predicted: list[list[dict]], entity: str) -> dict:
    tp = fp = fn = 0
    for want, got in zip(gold, predicted, strict=False):
        want = [e for e in want if e["entity"] == entity]
        got = [e for e in got if e["entity"] == entity]
        matched = [g for g in got if any(_overlaps(g, w) for w in want)]
        tp += len(matched)
        fp += len(got) - len(matched)
        fn += sum(1 for w in want if not any(_overlaps(g, w) for g in got))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}


def entities(path: Path, model: Path, entity: str, minimum: float) -> int:
    from rasa.shared.nlu.training_data.loading import load_data

    examples = [m for m in load_data(str(path)).intent_examples if m.get("text")]
    parsed = asyncio.run(_parse_all(model, [m.get("text") for m in examples]))
    scores = entity_scores(
        [m.get("entities") or [] for m in examples], [p.get("entities") or [] for p in parsed], entity
    )
    verdict = "ok" if scores["f1"] >= minimum else "FAILED"
    print(
        f"entity `{entity}` on the held-out split: F1 {scores['f1']:.3f} (precision "
        f"{scores['precision']:.3f}, recall {scores['recall']:.3f}, {scores['support']} spans; "
        f"minimum {minimum:.2f}) {verdict}"
    )
    return 0 if scores["f1"] >= minimum else 1


FALLBACK = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"


def confidently_wrong(gold: str, predicted: str) -> bool:
    """Answered with another topic: the prediction is an intent the assistant acts on (neither
    out_of_scope nor the fallback's clarifying question) and not the one asked about. An
    out-of-scope message answered as if it were in scope counts; an in-scope one caught as
    out of scope or clarified does not (wrong, but the visitor is not misled)."""
    return predicted not in (gold, OUT_OF_SCOPE, FALLBACK)


def set_scores(gold: list[str], predicted: list[str]) -> dict:
    """Accuracy (an out_of_scope item is right when caught: out_of_scope or the fallback;
    an in-scope item sent to the fallback is wrong), out-of-scope recall, and how many were
    answered confidently with another topic (`confidently_wrong`, a share of all items)."""

    def right(g: str, p: str) -> bool:
        return p in (OUT_OF_SCOPE, FALLBACK) if g == OUT_OF_SCOPE else p == g

    pairs = list(zip(gold, predicted, strict=False))
    hits = [right(g, p) for g, p in pairs]
    oos = [h for (g, _), h in zip(pairs, hits, strict=False) if g == OUT_OF_SCOPE]
    in_scope_fallback = sum(p == FALLBACK for g, p in pairs if g != OUT_OF_SCOPE)
    wrong_answers = sum(confidently_wrong(g, p) for g, p in pairs)
    return {
        "n": len(gold),
        "accuracy": sum(hits) / len(gold) if gold else 0.0,
        "oos_recall": sum(oos) / len(oos) if oos else None,
        "oos_n": len(oos),
        "in_scope_to_fallback": in_scope_fallback,
        "confidently_wrong": wrong_answers / len(gold) if gold else 0.0,
    }


def baseline_predictions(train_dir: Path, texts: list[str]) -> list[str]:
    """TF-IDF + logistic regression, fitted now on the same training data as the model."""
    from bot.nlp.data import load_examples
    from bot.nlp.intent_model import baseline_model

    train = load_examples(train_dir)
    model = baseline_model().fit([t for t, _ in train], [i for _, i in train])
    return [str(p) for p in model.predict(texts)]


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def _parse_gate(specs: list[str]) -> dict[str, float]:
    gates = {}
    for spec in specs or []:
        name, _, value = spec.partition("=")
        gates[name] = float(value)
    return gates


def compare(
    files: list[Path],
    model: Path,
    train_dir: Path,
    out_dir: Path | None,
    min_accuracy: dict[str, float],
    min_oos: dict[str, float],
    min_gap: dict[str, float],
    max_wrong: dict[str, float] | None = None,
) -> int:
    """Ours vs the TF-IDF baseline on each evaluation set, side by side; gates per set name."""
    from bot.nlp.data import load_examples

    max_wrong = max_wrong or {}
    sets = {f.stem: load_examples(f) for f in files if f.exists()}
    all_texts = [t for items in sets.values() for t, _ in items]
    parsed = asyncio.run(_parse_all(model, all_texts))
    ours_all = [(p.get("intent") or {}).get("name") or "" for p in parsed]
    base_all = baseline_predictions(train_dir, all_texts)
    print(
        f"{'evaluation set':18s} {'n':>4s} | {'ours':>6s} {'baseline':>8s} {'gap':>7s} | "
        f"{'oos recall ours':>15s} {'baseline':>8s} | {'conf. wrong ours':>16s} {'baseline':>8s} | "
        "in-scope sent to fallback"
    )
    failures = []
    offset = 0
    for name, items in sets.items():
        gold = [i for _, i in items]
        ours = ours_all[offset : offset + len(items)]
        base = base_all[offset : offset + len(items)]
        offset += len(items)
        o, b = set_scores(gold, ours), set_scores(gold, base)
        gap = o["accuracy"] - b["accuracy"]
        print(
            f"{name:18s} {len(items):4d} | {o['accuracy']:6.3f} {b['accuracy']:8.3f} {gap:+7.3f} | "
            f"{_fmt(o['oos_recall']):>15s} {_fmt(b['oos_recall']):>8s} | "
            f"{o['confidently_wrong']:16.3f} {b['confidently_wrong']:8.3f} | {o['in_scope_to_fallback']}"
        )
        if name in min_accuracy and o["accuracy"] < min_accuracy[name]:
            failures.append(f"{name}: accuracy {o['accuracy']:.3f} < {min_accuracy[name]:.2f}")
        if name in min_oos and (o["oos_recall"] or 0.0) < min_oos[name]:
            failures.append(f"{name}: out-of-scope recall {o['oos_recall']:.3f} < {min_oos[name]:.2f}")
        if name in min_gap and gap < min_gap[name]:
            failures.append(f"{name}: {gap:+.3f} over the baseline, below {min_gap[name]:+.2f}")
        if name in max_wrong and o["confidently_wrong"] > max_wrong[name]:
            failures.append(
                f"{name}: {o['confidently_wrong']:.3f} answered with another topic, above {max_wrong[name]:.2f}"
            )
        if out_dir:
            out_dir.mkdir(parents=True, exist_ok=True)
            (out_dir / f"{name}.json").write_text(
                json.dumps(
                    {
                        "ours": o,
                        "baseline": b,
                        "errors": [
                            {"text": t, "expected": g, "ours": p, "baseline": q}
                            for (t, g), p, q in zip(items, ours, base, strict=False)
                            if not set_scores([g], [p])["accuracy"]
                        ],
                    },
                    indent=2,
                )
            )
    for failure in failures:
        print(f"FAILED {failure}")
    if out_dir:
        print(f"per-item errors: {out_dir}/<set>.json")
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.nlp.evaluate")
    sub = parser.add_subparsers(dest="cmd", required=True)
    f1 = sub.add_parser("check-f1")
    f1.add_argument("report", type=Path)
    f1.add_argument("--min", type=float, default=0.90)
    cmp_ = sub.add_parser("compare", help="ours vs the TF-IDF + LR baseline on evaluation sets")
    cmp_.add_argument("files", type=Path, nargs="+")
    cmp_.add_argument("--model", type=Path, required=True)
    cmp_.add_argument("--train", type=Path, default=Path("data/nlu"))
    cmp_.add_argument("--out", type=Path)
    cmp_.add_argument("--min-accuracy", nargs="*", default=[], metavar="SET=VALUE")
    cmp_.add_argument("--min-oos-recall", nargs="*", default=[], metavar="SET=VALUE")
    cmp_.add_argument("--min-gap", nargs="*", default=[], metavar="SET=VALUE")
    cmp_.add_argument("--max-confidently-wrong", nargs="*", default=[], metavar="SET=VALUE")
    ent = sub.add_parser("entities")
    ent.add_argument("file", type=Path)
    ent.add_argument("--model", type=Path, required=True)
    ent.add_argument("--entity", default="service")
    ent.add_argument("--min", type=float, default=0.80)
    args = parser.parse_args(argv)
    if args.cmd == "check-f1":
        return check_f1(args.report, args.min)
    if args.cmd == "entities":
        return entities(args.file, args.model, args.entity, args.min)
    return compare(
        args.files,
        args.model,
        args.train,
        args.out,
        _parse_gate(args.min_accuracy),
        _parse_gate(args.min_oos_recall),
        _parse_gate(args.min_gap),
        _parse_gate(args.max_confidently_wrong),
    )


if __name__ == "__main__":
    sys.exit(main())
