"""Our Rasa NLU components on Rasa's own Message objects (the trained pipeline runs in e2e)."""

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.components import LanguageGuard, LexicalIntentClassifier, SentenceEmbeddingFeaturizer
from bot.nlp.intent_model import IntentModel, IntentModelConfig
from tests.test_nlu_model import TRAIN


@pytest.fixture(scope="module")
def featurizer():
    config = {**SentenceEmbeddingFeaturizer.get_default_config()}
    return SentenceEmbeddingFeaturizer.create(
        config, None, None, ExecutionContext(GraphSchema({}), node_name="embed")
    )


@pytest.fixture(scope="module")
def classifier(featurizer):
    messages = featurizer.process([Message(data={"text": t}) for t, _ in TRAIN])
    import numpy as np

    from bot.nlp.components import sentence_embedding

    model = IntentModel(IntentModelConfig()).fit(
        [t for t, _ in TRAIN], [i for _, i in TRAIN], np.stack([sentence_embedding(m) for m in messages])
    )
    return LexicalIntentClassifier(LexicalIntentClassifier.get_default_config(), None, None, model)


def test_classifier_ranks_intents_with_spread_probabilities(featurizer, classifier):
    [message] = classifier.process(featurizer.process([Message(data={"text": "how do you invoice us"})]))
    intent, ranking = message.get("intent"), message.get("intent_ranking")
    assert intent["name"] == "ask_billing_model" and 0.3 < intent["confidence"] < 1.0
    assert [r["name"] for r in ranking][0] == "ask_billing_model" and len(ranking) == 3
    assert abs(sum(r["confidence"] for r in ranking) - 1.0) < 1e-6
    assert 0.0 <= message.get("novelty") <= 1.0


def test_empty_message_has_no_intent(classifier):
    [message] = classifier.process([Message(data={"text": ""})])
    assert message.get("intent")["name"] is None and message.get("intent_ranking") == []


def test_language_guard_takes_over_foreign_messages_only():
    guard = LanguageGuard()
    ranking = [{"name": "ask_catalogue_service", "confidence": 0.9}, {"name": "greet", "confidence": 0.1}]
    service = {"entity": "service", "value": "helpdesk", "start": 30, "end": 38}

    def classified(text: str) -> Message:  # as the classifier and the entity extractor leave it
        return Message(
            data={"text": text, "intent": ranking[0], "intent_ranking": ranking, "entities": [service]}
        )

    polish = classified("Dzień dobry, ile kosztuje u was helpdesk?")
    english = classified("how much is the helpdesk?")
    guard.process([polish, english])
    assert polish.get("intent") == {"name": "other_language", "confidence": 1.0}
    assert [e["entity"] for e in polish.get("entities")] == ["language"]
    assert polish.get("entities")[0]["value"] == "pl"
    assert english.get("intent") == ranking[0] and english.get("entities") == [service]


@pytest.mark.parametrize("text", ["Wojciech", "Wiśniewska", "Łukasz Nowak", "Żabka Sp. z o.o.", "dziękuję"])
def test_language_guard_replaces_the_classifiers_other_language_on_names_and_single_words(text):
    """The classifier learnt Polish letters from other_language examples; a name is no message in
    Polish: the next-best intent takes over (the FallbackClassifier after the guard judges it)."""
    ranking = [
        {"name": "other_language", "confidence": 0.83},
        {"name": "inform", "confidence": 0.04},
        {"name": "faq", "confidence": 0.03},
    ]
    message = Message(data={"text": text, "intent": ranking[0], "intent_ranking": ranking, "entities": []})
    LanguageGuard().process([message])
    assert message.get("intent") == {"name": "inform", "confidence": 0.04}
    assert [r["name"] for r in message.get("intent_ranking")] == ["inform", "faq"]
    assert message.get("entities") == []


def test_language_guard_keeps_the_notice_for_real_sentences():
    ranking = [{"name": "ask_catalogue_service", "confidence": 0.6}, {"name": "inform", "confidence": 0.2}]
    german = Message(data={"text": "Wie viel kostet das?", "intent": ranking[0], "intent_ranking": ranking})
    polish = Message(
        data={"text": "Czy oferujecie helpdesk?", "intent": ranking[0], "intent_ranking": ranking}
    )
    LanguageGuard().process([german, polish])
    assert german.get("intent")["name"] == "other_language" and german.get("entities")[0]["value"] == "de"
    assert polish.get("intent")["name"] == "other_language" and polish.get("entities")[0]["value"] == "pl"


def test_classifier_trains_persists_and_loads_through_rasa_storage(tmp_path, featurizer):
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.training_data import TrainingData

    storage, resource = LocalModelStorage(tmp_path), Resource("intents")
    context = ExecutionContext(GraphSchema({}), node_name="intents")
    config = LexicalIntentClassifier.get_default_config()
    data = featurizer.process_training_data(
        TrainingData([Message(data={"text": t, "intent": i}) for t, i in TRAIN])
    )
    LexicalIntentClassifier.create(config, storage, resource, context).train(data)
    loaded = LexicalIntentClassifier.load(config, storage, resource, context)
    [message] = loaded.process(featurizer.process([Message(data={"text": "are you hiring developers?"})]))
    assert message.get("intent")["name"] == "out_of_scope"


FACTS = [
    ("where is your office", "faq/location"),
    ("what's your address", "faq/location"),
    ("where are you based", "faq/location"),
    ("which city is your office in", "faq/location"),
    ("do you have iso 27001", "faq/certifications"),
    ("are you soc 2 certified", "faq/certifications"),
    ("which certifications do you hold", "faq/certifications"),
    ("are you iso certified", "faq/certifications"),
    ("who is your ceo", "faq/unknown"),
    ("how much revenue do you make", "faq/unknown"),
    ("when was the company founded", "faq/unknown"),
    ("are you listed on the stock exchange", "faq/unknown"),
]


def test_fact_selector_answers_in_the_response_selector_format(tmp_path, featurizer):
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from bot import facts
    from bot.nlp.components import FactSelector

    storage, resource = LocalModelStorage(tmp_path), Resource("facts")
    context = ExecutionContext(GraphSchema({}), node_name="facts")
    config = FactSelector.get_default_config()
    examples = [Message(data={"text": t, "intent": "faq", "intent_response_key": k}) for t, k in FACTS]
    others = [Message(data={"text": t, "intent": i}) for t, i in TRAIN]  # not facts: ignored
    data = featurizer.process_training_data(TrainingData(examples + others))
    FactSelector.create(config, storage, resource, context).train(data)
    loaded = FactSelector.load(config, storage, resource, context)
    [message] = loaded.process(featurizer.process([Message(data={"text": "where's your office located?"})]))
    selected = message.get("response_selector")
    assert selected["all_retrieval_intents"] == ["faq"]
    response = selected["faq"]["response"]
    assert (
        response["intent_response_key"] == "faq/location" and response["utter_action"] == "utter_faq/location"
    )
    assert [r["intent_response_key"] for r in selected["faq"]["ranking"]][0] == "faq/location"
    # what actions/facts.py does with it
    known = {"utter_faq/location", "utter_faq/certifications", "utter_faq/unknown"}
    assert facts.response_for(selected, known, 0.3) == "utter_faq/location"
    assert facts.response_for(selected, known, 0.999) == facts.UNKNOWN  # unsure: "I don't know"


def test_company_facts_train_as_facts_and_come_out_as_faq(tmp_path, featurizer):
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.training_data import TrainingData

    storage, resource = LocalModelStorage(tmp_path), Resource("intents")
    context = ExecutionContext(GraphSchema({}), node_name="intents")
    config = LexicalIntentClassifier.get_default_config()
    examples = [Message(data={"text": t, "intent": i}) for t, i in TRAIN]
    examples += [Message(data={"text": t, "intent": "faq", "intent_response_key": k}) for t, k in FACTS]
    classifier = LexicalIntentClassifier.create(config, storage, resource, context)
    classifier.train(featurizer.process_training_data(TrainingData(examples)))
    assert {"faq/location", "faq/certifications", "faq/unknown"} <= set(classifier.model.classes)
    [message] = classifier.process(featurizer.process([Message(data={"text": "where are you located?"})]))
    names = [r["name"] for r in message.get("intent_ranking")]
    assert message.get("intent")["name"] == "faq" and names.count("faq") == 1
    assert not any("/" in name for name in names)
