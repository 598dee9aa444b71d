"""Offline model selection for the intent classifier: seconds per variant, no Rasa training.

    python -m bench.nlu_select [--cv 5]

Embeds every message once with all-MiniLM-L6-v2 (cached in var/embedding_cache.npz), then
compares the TF-IDF + logistic-regression baseline with variants of bot.nlp.intent_model on
stratified cross-validation of the training data, the held-out split (tests/nlu_test.yml)
and our own proxy set (tests/nlu_proxy.yml). Never point it at shared/eval: that set is
read once, at the end, by `make test-nlu`.
"""

from __future__ import annotations

import argparse
import itertools

import numpy as np
from sklearn.model_selection import StratifiedKFold

from bot import settings
from bot.nlp import grouped
from bot.nlp.data import load_examples
from bot.nlp.embeddings import cached_encode
from bot.nlp.evaluate import set_scores
from bot.nlp.grouped import decide
from bot.nlp.intent_model import OUT_OF_SCOPE, IntentModel, IntentModelConfig, baseline_model, intent_of

CACHE = settings.VAR_DIR / "embedding_cache.npz"


def embed_all(texts: list[str]) -> np.ndarray:
    return cached_encode(texts, CACHE)


def scores(pred: list[str], gold: list[str]) -> tuple[float, float]:
    result = set_scores(gold, pred)
    return result["accuracy"], result["oos_recall"] if result["oos_recall"] is not None else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cv", type=int, default=5)
    parser.add_argument("--grid", action="store_true")
    parser.add_argument("--only", nargs="*", help="variant names to run")
    parser.add_argument("--calibrate", action="store_true", help="threshold trade-off for the default config")
    args = parser.parse_args()
    if args.calibrate:
        calibrate(grouped.pipeline_settings(settings.ROOT / "config.yml").model, args.cv)
        return
    train = load_examples(settings.ROOT / "data" / "nlu", retrieval=True)
    sets = {
        name: load_examples(settings.ROOT / "tests" / f"{name}.yml")
        for name in ("nlu_test", "nlu_proxy")
        if (settings.ROOT / "tests" / f"{name}.yml").exists()
    }
    texts = [t for t, _ in train]
    labels = [i for _, i in train]
    emb = embed_all(texts)
    set_emb = {n: embed_all([t for t, _ in s]) for n, s in sets.items()}
    print(
        f"{len(train)} training examples, {len(set(labels))} intents; sets: "
        + ", ".join(f"{n}={len(s)}" for n, s in sets.items())
    )

    variants: dict[str, object] = {"baseline": None}
    if args.grid:
        for C, ew, lw in itertools.product((3, 10, 30), (0, 1, 2, 3), (0, 0.5, 1)):
            variants[f"C{C} emb{ew} lex{lw}"] = IntentModelConfig(C=C, embedding_weight=ew, lexicon_weight=lw)
    else:
        variants.update(
            {
                "tfidf+lex": IntentModelConfig(embedding_weight=0, lexicon_weight=0.5),
                "tfidf+emb": IntentModelConfig(embedding_weight=1, lexicon_weight=0),
                "ours": IntentModelConfig(),
                "emb2 lex1": IntentModelConfig(embedding_weight=2, lexicon_weight=1),
                "ours+nn1": IntentModelConfig(neighbour_weight=1),
                "ours+nn3": IntentModelConfig(neighbour_weight=3),
                "emb only": IntentModelConfig(tfidf_weight=0, lexicon_weight=0, embedding_weight=3, C=10),
            }
        )
    y = np.array(labels)
    folds = list(StratifiedKFold(args.cv, shuffle=True, random_state=0).split(texts, y))
    header = f"{'variant':22s} {'cv acc':>7s}" + "".join(f" {n + ' acc':>14s} {'oos':>5s}" for n in sets)
    print(header)
    for name, config in variants.items():
        if args.only and name not in args.only:
            continue

        def fit(tr_texts, tr_labels, tr_emb, config=config):
            if config is None:
                return baseline_model().fit(tr_texts, [intent_of(label) for label in tr_labels])
            return IntentModel(config).fit(tr_texts, tr_labels, tr_emb)

        def predict(model, te_texts, te_emb, config=config):
            if config is None:
                return [intent_of(p) for p in model.predict(te_texts)]
            intents, probs = model.intent_proba(te_texts, te_emb)
            return list(intents[probs.argmax(axis=1)])

        cv_hits = []
        for tr, te in folds:
            model = fit([texts[i] for i in tr], list(y[tr]), emb[tr])
            fold_pred = predict(model, [texts[i] for i in te], emb[te])
            cv_hits += [p == intent_of(g) for p, g in zip(fold_pred, y[te], strict=True)]
        model = fit(texts, labels, emb)
        row = f"{name:22s} {np.mean(cv_hits):7.3f}"
        for n, s in sets.items():
            acc, oos = scores(predict(model, [t for t, _ in s], set_emb[n]), [i for _, i in s])
            row += f" {acc:14.3f} {oos:5.2f}"
        print(row, flush=True)


def _out_of_fold(
    config: IntentModelConfig, texts: list[str], labels: np.ndarray, emb: np.ndarray, cv: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(intents, probabilities, novelty) for every training example from the fold that held it out."""
    intents = np.array(sorted({intent_of(label) for label in labels}))
    probs = np.zeros((len(texts), len(intents)))
    novelty = np.zeros(len(texts))
    for tr, te in StratifiedKFold(cv, shuffle=True, random_state=0).split(texts, labels):
        model = IntentModel(config).fit([texts[i] for i in tr], list(labels[tr]), emb[tr])
        fold_intents, fold = model.intent_proba([texts[i] for i in te], emb[te])
        probs[np.ix_(te, np.searchsorted(intents, fold_intents))] = fold
        novelty[te] = model.novelty(emb[te])
    return intents, probs, novelty


def reliability(intents: np.ndarray, probs: np.ndarray, gold: np.ndarray) -> None:
    """How often an answer would be right, by its confidence and by its lead over the runner-up:
    the fallback pays where answers are wrong (another intent, or out of scope) about as often
    as right, and costs right answers where they are not."""
    order = np.argsort(-probs, axis=1)
    rows = np.arange(len(probs))
    top, lead = probs[rows, order[:, 0]], probs[rows, order[:, 0]] - probs[rows, order[:, 1]]
    answered = intents[order[:, 0]] != OUT_OF_SCOPE
    right = intents[order[:, 0]] == gold
    for name, value, edges in (
        ("confidence", top, (0.0, 0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.8, 1.01)),
        ("lead", lead, (0.0, 0.05, 0.1, 0.2, 1.01)),
    ):
        print(f"{name:>10s}   answers  right  wrong intent  out of scope")
        for lo, hi in itertools.pairwise(edges):
            s = answered & (value >= lo) & (value < hi)
            oos = int((gold[s] == OUT_OF_SCOPE).sum())
            print(
                f"{lo:4.2f}-{min(hi, 1.0):4.2f} {s.sum():9d} {right[s].sum():6d} "
                f"{s.sum() - right[s].sum() - oos:13d} {oos:13d}"
            )


def calibrate(config: IntentModelConfig, cv: int = 5) -> None:
    """Out-of-fold predictions of the training data: how often answers are right by confidence,
    and the trade-off between catching out-of-scope messages and sending in-scope ones to the
    fallback, per threshold."""
    train = load_examples(settings.ROOT / "data" / "nlu", retrieval=True)
    texts = [t for t, _ in train]
    labels = np.array([i for _, i in train])
    y = np.array([intent_of(label) for label in labels])
    emb = embed_all(texts)
    intents, probs, novelty = _out_of_fold(config, texts, labels, emb, cv)
    reliability(intents, probs, y)
    proxy = load_examples(settings.ROOT / "tests" / "nlu_proxy.yml")
    full = IntentModel(config).fit(texts, list(labels), emb)
    p_emb = embed_all([t for t, _ in proxy])
    p_intents, p_probs = full.intent_proba([t for t, _ in proxy], p_emb)
    p_nov = full.novelty(p_emb)
    p_gold = [i for _, i in proxy]
    # sources never seen: the public phrasings, each predicted by a model that held its source out
    examples = grouped.load_training(settings.ROOT / "data" / "nlu")
    oof = grouped.out_of_fold(examples, embed_all([e.text for e in examples]), config, fit_baseline=False)
    g_gold = [examples[i].intent for i in oof.index]
    print(
        "threshold ambiguity novelty | out-of-fold: acc  oos-recall  in-scope->fallback | proxy: acc  oos "
        "| sources left out: acc  oos  wrong  clarified"
    )
    for threshold in (0.25, 0.3, 0.35, 0.4, 0.45, 0.5):
        for ambiguity in (0.0, 0.05, 0.1):
            for novelty_max in (0.5, 1.0):
                pred = decide(probs, intents, novelty, threshold, ambiguity, novelty_max)
                folds = set_scores(list(y), pred)
                proxy_pred = decide(p_probs, p_intents, p_nov, threshold, ambiguity, novelty_max)
                prox = set_scores(p_gold, proxy_pred)
                g = set_scores(
                    g_gold, decide(oof.probs, oof.intents, oof.novelty, threshold, ambiguity, novelty_max)
                )
                print(
                    f"{threshold:9.2f} {ambiguity:9.2f} {novelty_max:7.2f} | {folds['accuracy']:16.3f} "
                    f"{folds['oos_recall']:10.3f} {folds['in_scope_to_fallback'] / len(y):18.3f} | "
                    f"{prox['accuracy']:10.3f} {prox['oos_recall']:4.2f} | {g['accuracy']:20.3f} "
                    f"{g['oos_recall'] or 0.0:4.2f} {g['confidently_wrong']:6.3f} "
                    f"{g['in_scope_to_fallback'] / max(1, g['n'] - g['oos_n']):10.3f}"
                )


if __name__ == "__main__":
    main()
