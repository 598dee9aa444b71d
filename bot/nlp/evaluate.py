"""NLU quality gates that `rasa test` lacks.

  check-f1 REPORT --min 0.90   fail when the macro-F1 of a `rasa test nlu` intent report
                               is below the threshold
  realworld FILE --model M     intent accuracy on shared/eval/realworld_dev.yml (real
                               visitor phrasings, never trained on); reported, not gated
  entities FILE --model M      F1 of the `service` entity on the held-out split. Rasa's
                               own report skips SpacyEntityExtractor (it counts it as
                               pretrained), so this scores it: a predicted span counts
                               when it overlaps an annotated span of the same entity
"""
from __future__ import annotations

import argparse
import asyncio
import collections
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
    for want, got in zip(gold, predicted):
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
    scores = entity_scores([m.get("entities") or [] for m in examples],
                           [p.get("entities") or [] for p in parsed], entity)
    verdict = "ok" if scores["f1"] >= minimum else "FAILED"
    print(f"entity `{entity}` on the held-out split: F1 {scores['f1']:.3f} (precision "
          f"{scores['precision']:.3f}, recall {scores['recall']:.3f}, {scores['support']} spans; "
          f"minimum {minimum:.2f}) {verdict}")
    return 0 if scores["f1"] >= minimum else 1


def realworld(path: Path, model: Path, out: Path | None) -> int:
    items = load_items(path)
    parsed = asyncio.run(_parse_all(model, [i["text"] for i in items]))
    predicted = [(p.get("intent") or {}).get("name") for p in parsed]
    hits = sum(p == i["intent"] for p, i in zip(predicted, items))
    accuracy = hits / len(items)
    per_intent: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    confusions = collections.Counter()
    for p, item in zip(predicted, items):
        per_intent[item["intent"]][1] += 1
        if p == item["intent"]:
            per_intent[item["intent"]][0] += 1
        else:
            confusions[(item["intent"], p)] += 1
    print(f"realworld_dev intent accuracy: {accuracy:.3f} ({hits}/{len(items)})")
    for intent, (ok, total) in sorted(per_intent.items()):
        print(f"  {intent:28s} {ok:3d}/{total:<3d}")
    if confusions:
        print("  most frequent confusions (expected -> predicted):")
        for (want, got), n in confusions.most_common(8):
            print(f"    {want} -> {got}: {n}")
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({
            "accuracy": accuracy, "n": len(items),
            "per_intent": {k: {"correct": v[0], "total": v[1]} for k, v in per_intent.items()},
            "errors": [{"text": i["text"], "expected": i["intent"], "predicted": p}
                       for p, i in zip(predicted, items) if p != i["intent"]],
        }, indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.nlp.evaluate")
    sub = parser.add_subparsers(dest="cmd", required=True)
    f1 = sub.add_parser("check-f1")
    f1.add_argument("report", type=Path)
    f1.add_argument("--min", type=float, default=0.90)
    rw = sub.add_parser("realworld")
    rw.add_argument("file", type=Path)
    rw.add_argument("--model", type=Path, required=True)
    rw.add_argument("--out", type=Path)
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
    return realworld(args.file, args.model, args.out)


if __name__ == "__main__":
    sys.exit(main())
