"""The intent model behind our Rasa classifier, and the TF-IDF baseline it is measured against.

Ours: one multinomial logistic regression over three views of a message, stacked side by side:
  - TF-IDF of word 1-2-grams and char_wb 2-5-grams (surface form, typos, fragments);
  - the domain lexicon's concepts (bot.nlp.lexicon: words never seen in training still count);
  - the all-MiniLM-L6-v2 sentence embedding (paraphrases; bot.nlp.embeddings).
Logistic regression gives probabilities that do not saturate the way DIET's do, so the
thresholds for "ask back" and "can't help" mean something (see bot.nlp.uncertainty).

Retrieval intents (faq/<fact>) are trained as one class per fact and summed into their intent
(`intent_proba`): each fact is a narrow, coherent class, so a question must resemble one of
them, not merely share the "do you ...? / what's your ...?" shape of all of them, to be `faq`;
and faq/unknown (company questions we hold no answer for) competes with out_of_scope directly.

`novelty` is 1 - the highest cosine similarity to any in-scope training example: a message
unlike everything we trained on is likely off-topic, whatever the classifier's top pick.

The baseline is the same TF-IDF with plain logistic regression: what the judges train on our
data in the same run. Both are fitted in seconds, so `bot.nlp.evaluate` fits the baseline at
evaluation time on exactly the training data the model was trained on.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, make_pipeline

from bot.nlp import lexicon

OUT_OF_SCOPE = "out_of_scope"
RETRIEVAL_SEPARATOR = "/"


def intent_of(label: str) -> str:
    """faq/office -> faq; every other label is its own intent."""
    return str(label).split(RETRIEVAL_SEPARATOR, 1)[0]


def _word_tfidf() -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="word", ngram_range=(1, 2), sublinear_tf=True, lowercase=True, token_pattern=r"(?u)\b\w+\b"
    )


def _char_tfidf() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, lowercase=True)


def baseline_model(seed: int = 0):
    """TF-IDF (word 1-2 + char_wb 2-5) + logistic regression: the bar to beat."""
    features = FeatureUnion([("word", _word_tfidf()), ("char", _char_tfidf())])
    return make_pipeline(features, LogisticRegression(C=10.0, max_iter=3000, random_state=seed))


@dataclass(frozen=True)
class IntentModelConfig:
    C: float = 10.0
    embedding_weight: float = 1.0
    lexicon_weight: float = 0.5
    tfidf_weight: float = 1.0
    # per intent, the cosine similarity to its closest training example (a nearest-neighbour
    # vote the regression can weigh); 0 turns it off
    neighbour_weight: float = 1.0


class IntentModel:
    def __init__(self, config: IntentModelConfig | None = None):
        self.config = config or IntentModelConfig()
        self.word = _word_tfidf()
        self.char = _char_tfidf()
        self.classes: np.ndarray = np.array([])
        self.coef: np.ndarray = np.zeros((0, 0))
        self.intercept: np.ndarray = np.zeros(0)
        self.in_scope_embeddings: np.ndarray = np.zeros((0, 0), dtype=np.float32)
        self.train_embeddings: np.ndarray = np.zeros((0, 0), dtype=np.float32)
        self.train_labels: np.ndarray = np.array([])

    def _neighbours(self, embeddings: np.ndarray, fit: bool) -> np.ndarray:
        """(n, intents): highest similarity to a training example of each intent. While
        fitting, an example never counts as its own neighbour."""
        sims = np.asarray(embeddings, dtype=np.float32) @ self.train_embeddings.T
        if fit:
            np.fill_diagonal(sims, -1.0)
        out = np.zeros((len(sims), len(self.classes)), dtype=np.float32)
        for j, label in enumerate(self.classes):
            out[:, j] = sims[:, self.train_labels == label].max(axis=1)
        return out

    # ------------------------------------------------------------------ features
    def _features(self, texts: list[str], embeddings: np.ndarray, fit: bool = False) -> sp.csr_matrix:
        c = self.config
        word = self.word.fit_transform(texts) if fit else self.word.transform(texts)
        char = self.char.fit_transform(texts) if fit else self.char.transform(texts)
        parts = [
            c.tfidf_weight * word,
            c.tfidf_weight * char,
            sp.csr_matrix(c.lexicon_weight * lexicon.concept_matrix(texts)),
        ]
        if c.embedding_weight:
            parts.append(sp.csr_matrix(c.embedding_weight * np.asarray(embeddings, dtype=np.float64)))
        if c.neighbour_weight:
            parts.append(sp.csr_matrix(c.neighbour_weight * self._neighbours(embeddings, fit)))
        return sp.hstack(parts, format="csr")

    # ------------------------------------------------------------------ fit / predict
    def fit(self, texts: list[str], labels: list[str], embeddings: np.ndarray) -> IntentModel:
        self.classes = np.array(sorted(set(labels)))
        self.train_embeddings = np.asarray(embeddings, dtype=np.float32)
        self.train_labels = np.array(labels)
        features = self._features(texts, embeddings, fit=True)
        lr = LogisticRegression(C=self.config.C, max_iter=5000, random_state=0)
        lr.fit(features, labels)
        self.classes, self.coef, self.intercept = lr.classes_, lr.coef_, lr.intercept_
        in_scope = np.array([intent_of(label) != OUT_OF_SCOPE for label in labels])
        self.in_scope_embeddings = np.asarray(embeddings, dtype=np.float32)[in_scope]
        return self

    def predict_proba(self, texts: list[str], embeddings: np.ndarray) -> np.ndarray:
        scores = self._features(texts, embeddings) @ self.coef.T + self.intercept
        scores = np.asarray(scores)
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def intent_proba(self, texts: list[str], embeddings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(intents, probabilities): the classes' probabilities with each retrieval intent's
        sub-labels (faq/<fact>) summed into the intent (faq)."""
        probs = self.predict_proba(texts, embeddings)
        intents = np.array(sorted({intent_of(c) for c in self.classes}))
        columns = np.searchsorted(intents, [intent_of(c) for c in self.classes])
        merged = np.zeros((len(probs), len(intents)))
        np.add.at(merged.T, columns, probs.T)
        return intents, merged

    def novelty(self, embeddings: np.ndarray) -> np.ndarray:
        """1 - max cosine similarity to an in-scope training example (0 = seen before)."""
        if not len(self.in_scope_embeddings):
            return np.ones(len(embeddings))
        return 1.0 - (np.asarray(embeddings, dtype=np.float32) @ self.in_scope_embeddings.T).max(axis=1)

    # ------------------------------------------------------------------ persistence
    def save(self, directory: Path) -> None:
        """JSON + npz only: nothing executable is unpickled when a model is loaded."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        meta = {"config": asdict(self.config), "classes": [str(c) for c in self.classes]}
        for name, vec in (("word", self.word), ("char", self.char)):
            meta[name] = {"vocabulary": {k: int(v) for k, v in vec.vocabulary_.items()}}
        (directory / "intent_model.json").write_text(json.dumps(meta))
        np.savez_compressed(
            directory / "intent_model.npz",
            coef=self.coef,
            intercept=self.intercept,
            word_idf=self.word.idf_,
            char_idf=self.char.idf_,
            in_scope=self.in_scope_embeddings,
            train=self.train_embeddings,
            train_labels=self.train_labels.astype(str),
        )

    @classmethod
    def load(cls, directory: Path) -> IntentModel:
        directory = Path(directory)
        meta = json.loads((directory / "intent_model.json").read_text())
        arrays = np.load(directory / "intent_model.npz", allow_pickle=False)
        model = cls(IntentModelConfig(**meta["config"]))
        for name, vec in (("word", model.word), ("char", model.char)):
            vec.vocabulary_ = meta[name]["vocabulary"]
            vec.idf_ = arrays[f"{name}_idf"]
        model.classes = np.array(meta["classes"])
        model.coef, model.intercept = arrays["coef"], arrays["intercept"]
        model.in_scope_embeddings = arrays["in_scope"]
        model.train_embeddings, model.train_labels = arrays["train"], arrays["train_labels"]
        return model
