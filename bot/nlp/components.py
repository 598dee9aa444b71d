"""Our Rasa NLU components (listed in config.yml by their import path).

- SentenceEmbeddingFeaturizer: adds the all-MiniLM-L6-v2 sentence embedding as a dense
  sentence feature (bot.nlp.embeddings).
- LexicalIntentClassifier: bot.nlp.intent_model (TF-IDF + domain lexicon + embedding,
  logistic regression; one class per company fact, summed into `faq`); also reports
  `novelty`, how unlike our training data a message is, and moves it to out_of_scope when
  it is unlike anything in scope.
- LanguageGuard: a message clearly in another language gets intent `other_language` and a
  `language` entity (bot.nlp.language), whatever the classifier made of its loan words; a
  message that is not (a name, a company, a single word) never keeps `other_language`, even
  when the classifier guessed it from a few Polish letters: the next-best intent takes over.
- FactSelector: which company fact (faq/<fact>) a question asks about, in the output format of
  Rasa's ResponseSelector.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, fields
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp import language
from bot.nlp.embeddings import DIMENSION, encoder
from bot.nlp.intent_model import OUT_OF_SCOPE, IntentModel, IntentModelConfig

logger = logging.getLogger(__name__)
RANKING_LENGTH = 10
OTHER_LANGUAGE = "other_language"
NOVELTY_KEY = "novelty"


def _text(message: Message) -> str:
    return message.get(TEXT) or ""


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), "model_dir": None}

    def __init__(self, config: dict[str, Any], execution_context: ExecutionContext) -> None:
        super().__init__(execution_context.node_name, config)
        self._encoder = encoder(config.get("model_dir"))
        self._encoder.encode(["warm up"])  # trace the TF graph now, not on a visitor's first message

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Nothing to check: the model files are checked (hashes) when the encoder loads."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEmbeddingFeaturizer:
        return cls(config, execution_context)

    def _add(self, messages: list[Message]) -> None:
        todo = [m for m in messages if m.get(TEXT)]
        for message, vector in zip(todo, self._encoder.encode([_text(m) for m in todo]), strict=False):
            message.add_features(Features(vector.reshape(1, DIMENSION), "sentence", TEXT, self._identifier))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._add(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        self._add(messages)
        return messages


def sentence_embedding(message: Message) -> np.ndarray:
    """The message's MiniLM sentence feature (zeros when the featurizer did not run)."""
    for feature in message.features:
        if (
            feature.attribute == TEXT
            and feature.type == "sentence"
            and not feature.is_sparse()
            and feature.features.shape[-1] == DIMENSION
        ):
            return np.asarray(feature.features, dtype=np.float32).reshape(DIMENSION)
    return np.zeros(DIMENSION, dtype=np.float32)


class _RegressionComponent(GraphComponent):
    """A trainable component around one IntentModel (bot.nlp.intent_model), kept as JSON + npz."""

    MISSING_MODEL = "model not found"

    @classmethod
    def required_components(cls) -> list[type]:
        return [SentenceEmbeddingFeaturizer]

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: IntentModel | None = None,
    ) -> None:
        self.component_config = config
        self._model_storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> _RegressionComponent:
        return cls(config, model_storage, resource)

    def _model_config(self) -> IntentModelConfig:
        return IntentModelConfig(
            **{f.name: float(self.component_config[f.name]) for f in fields(IntentModelConfig)}
        )

    def _fit(self, examples: list[Message], labels: list[str]) -> Resource:
        embeddings = np.stack([sentence_embedding(m) for m in examples])
        self.model = IntentModel(self._model_config()).fit([_text(m) for m in examples], labels, embeddings)
        with self._model_storage.write_to(self._resource) as directory:
            self.model.save(directory)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> _RegressionComponent:
        try:
            with model_storage.read_from(resource) as directory:
                model = IntentModel.load(directory)
        except (ValueError, FileNotFoundError):
            logger.warning(f"{cls.__name__}: {cls.MISSING_MODEL}")
            model = None
        return cls(config, model_storage, resource, model)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LexicalIntentClassifier(_RegressionComponent, IntentClassifier):
    MISSING_MODEL = "intent model not found; every message will be out of scope"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **asdict(IntentModelConfig()),
            # above this novelty a message is out of scope whatever the classifier says
            "novelty_threshold": 1.0,
        }

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        # one class per company fact (faq/<fact>), summed into `faq` when predicting
        return self._fit(examples, [m.get(INTENT_RESPONSE_KEY) or m.get(INTENT) for m in examples])

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if self.model is None or not message.get(TEXT):
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            embedding = sentence_embedding(message).reshape(1, DIMENSION)
            intents, probs = self.model.intent_proba([_text(message)], embedding)
            probs = probs[0]
            novelty = float(self.model.novelty(embedding)[0])
            ranking = [
                {"name": str(intents[i]), "confidence": float(probs[i])}
                for i in np.argsort(-probs)[:RANKING_LENGTH]
            ]
            if novelty > float(self.component_config["novelty_threshold"]):
                ranking = _promote(ranking, OUT_OF_SCOPE)
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            message.set(NOVELTY_KEY, round(novelty, 4), add_to_output=True)
        return messages


def _promote(ranking: list[dict], name: str, confidence: float | None = None) -> list[dict]:
    """`name` first (with the top confidence unless given), the others after it."""
    top = ranking[0]["confidence"] if ranking else 1.0
    rest = [r for r in ranking if r["name"] != name]
    return [{"name": name, "confidence": float(top if confidence is None else confidence)}] + rest


def _demote_other_language(message: Message) -> None:
    """The classifier said `other_language` but the message is not in another language ("Wojciech",
    "Żabka Sp. z o.o."): the next-best intent, with its own confidence (the FallbackClassifier
    after this guard decides whether that is enough)."""
    intent = message.get(INTENT) or {}
    if intent.get("name") != OTHER_LANGUAGE:
        return
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != OTHER_LANGUAGE]
    message.set(INTENT, ranking[0] if ranking else {"name": None, "confidence": 0.0}, add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class LanguageGuard(GraphComponent, IntentClassifier):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageGuard:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            code = language.notice(message.get(TEXT))
            if code is None:
                _demote_other_language(message)
                continue
            ranking = _promote(message.get(INTENT_RANKING_KEY) or [], OTHER_LANGUAGE, 1.0)
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking[:RANKING_LENGTH], add_to_output=True)
            # only the language: a service named in a foreign sentence is not acted upon
            entity = {
                "entity": "language",
                "value": code,
                "start": 0,
                "end": len(_text(message)),
                "extractor": type(self).__name__,
                "confidence": 1.0,
            }
            message.set(ENTITIES, [entity], add_to_output=True)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class FactSelector(_RegressionComponent):
    """Picks the company fact (faq/<fact>) a `faq` question asks about, in the output format of
    Rasa's ResponseSelector (message["response_selector"]["faq"]), which actions/facts.py reads.

    Rasa's ResponseSelector needs sparse sequence features this pipeline does not have and
    trains a transformer for eight labels; the same regression as the intent classifier, fitted
    on the faq examples only, trains in a second.
    """

    MISSING_MODEL = 'fact selector model not found; fact questions get "I don\'t know"'

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**asdict(IntentModelConfig()), "retrieval_intent": "faq"}

    def train(self, training_data: TrainingData) -> Resource:
        intent = self.component_config["retrieval_intent"]
        examples = [
            m
            for m in training_data.intent_examples
            if m.get(TEXT) and m.get(INTENT) == intent and m.get(INTENT_RESPONSE_KEY)
        ]
        labels = [m.get(INTENT_RESPONSE_KEY) for m in examples]
        if len(set(labels)) < 2:
            logger.warning(f"FactSelector: fewer than two {intent}/<fact> labels; nothing trained")
            return self._resource
        return self._fit(examples, labels)

    def process(self, messages: list[Message]) -> list[Message]:
        intent = self.component_config["retrieval_intent"]
        for message in messages:
            if self.model is None or not message.get(TEXT):
                continue
            embedding = sentence_embedding(message).reshape(1, DIMENSION)
            probs = self.model.predict_proba([_text(message)], embedding)[0]
            order = np.argsort(-probs)[:RANKING_LENGTH]
            ranking = [
                {"confidence": float(probs[i]), INTENT_RESPONSE_KEY: str(self.model.classes[i])}
                for i in order
            ]
            top = ranking[0]
            selector = message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
            selector[RESPONSE_SELECTOR_RETRIEVAL_INTENTS] = [intent]
            selector[intent] = {
                RESPONSE_SELECTOR_PREDICTION_KEY: {
                    RESPONSE_SELECTOR_RESPONSES_KEY: [],
                    PREDICTED_CONFIDENCE_KEY: top["confidence"],
                    INTENT_RESPONSE_KEY: top[INTENT_RESPONSE_KEY],
                    RESPONSE_SELECTOR_UTTER_ACTION_KEY: f"utter_{top[INTENT_RESPONSE_KEY]}",
                },
                RESPONSE_SELECTOR_RANKING_KEY: ranking,
            }
            message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selector, add_to_output=True)
        return messages
