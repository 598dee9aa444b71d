"""Model selection for generalisation: variants of our classifier on sources they never saw.

    python -m bench.nlu_generalise [--only NAME...] [--cache var/embedding_cache.npz]

For each variant: the leave-sources-out cross-validation of bot.nlp.grouped (ours with the
pipeline's fallback thresholds from config.yml, or --threshold/--ambiguity), and the held-out
split and proxy set with a model fitted on all training data. Prints accuracy, out-of-scope
recall, the share answered confidently with another topic, and the share of in-scope messages
sent to the clarifying question. The TF-IDF baseline is fitted once on the same folds.
Never point it at shared/eval: the real-world dev set is read by `make test-nlu` only.

--cache selects precomputed sentence embeddings (an .npz from bot.nlp.embeddings.cached_encode):
how a different encoder was measured without changing the pipeline.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

from bot import settings
from bot.nlp import grouped
from bot.nlp.data import load_examples
from bot.nlp.embeddings import cached_encode
from bot.nlp.evaluate import set_scores
from bot.nlp.intent_model import IntentModel

VARIANTS = {
    "current": {},  # config.yml as it is; the others override its IntentModelConfig fields
    "C3": {"C": 3.0},
    "C30": {"C": 30.0},
    "emb2": {"embedding_weight": 2.0},
    "nn0": {"neighbour_weight": 0.0},
    "nn3": {"neighbour_weight": 3.0},
    "tfidf0.5": {"tfidf_weight": 0.5},
    "lex1": {"lexicon_weight": 1.0},
    "C3 emb2 lex1": {"C": 3.0, "embedding_weight": 2.0, "lexicon_weight": 1.0},
}


def _row(name: str, s: dict) -> str:
    clarified = s["in_scope_to_fallback"] / max(1, s["n"] - s["oos_n"])
    oos = float("nan") if s["oos_recall"] is None else s["oos_recall"]
    return f"{name}: acc {s['accuracy']:.3f} oos {oos:.2f} wrong {s['confidently_wrong']:.3f} clar {clarified:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--cache", type=Path, default=grouped.CACHE)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--threshold", type=float)
    parser.add_argument("--ambiguity", type=float)
    args = parser.parse_args()

    examples = grouped.load_training(settings.ROOT / "data" / "nlu")
    emb = cached_encode([e.text for e in examples], args.cache)
    setup = grouped.pipeline_settings(settings.ROOT / "config.yml")
    if args.threshold is not None:
        setup = replace(setup, threshold=args.threshold)
    if args.ambiguity is not None:
        setup = replace(setup, ambiguity=args.ambiguity)
    sets = {n: load_examples(settings.ROOT / "tests" / f"{n}.yml") for n in ("nlu_test", "nlu_proxy")}
    set_emb = {n: cached_encode([t for t, _ in s], args.cache) for n, s in sets.items()}
    print(
        f"thresholds {setup.threshold}/{setup.ambiguity}, embeddings {args.cache.name} ({emb.shape[1]} dims)"
    )

    first = True
    for name, overrides in VARIANTS.items():
        if args.only and name not in args.only:
            continue
        start = time.time()
        config = replace(setup.model, **overrides)
        variant = replace(setup, model=config)
        result = grouped.run(examples, emb, variant, args.folds, fit_baseline=first)
        line = [_row("grouped", set_scores(result.gold, result.ours))]
        if first:
            print("baseline " + _row("grouped", set_scores(result.gold, result.baseline)))
            first = False
        model = IntentModel(config).fit([e.text for e in examples], [e.label for e in examples], emb)
        for n, items in sets.items():
            texts = [t for t, _ in items]
            intents, probs = model.intent_proba(texts, set_emb[n])
            pred = grouped.decide(
                probs,
                intents,
                model.novelty(set_emb[n]),
                setup.threshold,
                setup.ambiguity,
                setup.novelty_threshold,
            )
            line.append(_row(n, set_scores([i for _, i in items], pred)))
        print(f"{name:14s} " + " | ".join(line) + f" ({time.time() - start:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
