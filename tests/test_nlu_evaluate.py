"""The NLU quality gates themselves: a bad score must fail."""

import json

from bot.nlp import evaluate


def test_check_f1_fails_below_the_threshold(tmp_path, capsys):
    report = tmp_path / "intent_report.json"
    report.write_text(json.dumps({"macro avg": {"f1-score": 0.87}}))
    assert evaluate.check_f1(report, 0.90) == 1
    assert "0.870" in capsys.readouterr().out
    report.write_text(json.dumps({"macro avg": {"f1-score": 0.93}}))
    assert evaluate.check_f1(report, 0.90) == 0


def test_entity_scores_count_overlapping_spans():
    gold = [
        [{"entity": "service", "start": 10, "end": 25}],
        [],
        [{"entity": "service", "start": 0, "end": 5}],
    ]
    predicted = [
        [{"entity": "service", "start": 12, "end": 25}],
        [{"entity": "service", "start": 3, "end": 9}],  # not annotated: false positive
        [{"entity": "sourcing_model", "start": 0, "end": 5}],
    ]  # other entity: a miss
    scores = evaluate.entity_scores(gold, predicted, "service")
    assert scores["precision"] == 0.5 and scores["recall"] == 0.5 and scores["support"] == 2


def test_confidently_wrong_counts_answers_on_another_topic_only():
    gold = ["ask_billing_model", "ask_billing_model", "ask_billing_model", "out_of_scope", "out_of_scope"]
    predicted = [
        "ask_billing_model",
        "nlu_fallback",
        "ask_relationship",
        "nlu_fallback",
        "ask_catalogue_service",
    ]
    scores = evaluate.set_scores(gold, predicted)
    # right: the billing answer and the caught out-of-scope message; confidently wrong: the
    # relationship answer and the out-of-scope message answered as a catalogue question
    assert scores["accuracy"] == 2 / 5
    assert scores["confidently_wrong"] == 2 / 5
    assert scores["oos_recall"] == 0.5 and scores["in_scope_to_fallback"] == 1
    assert not evaluate.confidently_wrong("ask_billing_model", "out_of_scope")


def test_sources_are_grouped_by_domain_and_folds_keep_groups_whole():
    from bot.nlp import grouped

    assert grouped.group_of("https://www.example.com/faq/") == "example.com"
    assert grouped.group_of("http://example.com/blog?p=1") == "example.com"
    assert grouped.group_of("github:owner/repo data/faq.json") == "github:owner/repo"
    groups = ["a"] * 5 + ["b"] * 3 + ["c"] * 3 + ["d"] * 1
    folds = grouped.assign_folds(groups, 2)
    assert set(folds) == {"a", "b", "c", "d"}
    load = [sum(1 for g in groups if folds[g] == f) for f in range(2)]
    assert sorted(load) == [6, 6]


def test_pipeline_decision_follows_the_fallback_thresholds(tmp_path):
    import numpy as np

    from bot.nlp import grouped

    classes = np.array(["a", "b", "out_of_scope"])
    probs = np.array([[0.8, 0.1, 0.1], [0.25, 0.2, 0.55], [0.42, 0.4, 0.18], [0.2, 0.2, 0.6]])
    novelty = np.array([0.1, 0.1, 0.1, 0.1])
    assert grouped.decide(probs, classes, novelty, 0.3, 0.05, 1.0) == [
        "a",
        "out_of_scope",
        "nlu_fallback",
        "out_of_scope",
    ]
    config = tmp_path / "config.yml"
    config.write_text(
        "pipeline:\n- name: bot.nlp.components.LexicalIntentClassifier\n  C: 3.0\n  novelty_threshold: 0.9\n"
        "- name: FallbackClassifier\n  threshold: 0.4\n  ambiguity_threshold: 0.1\n"
    )
    setup = grouped.pipeline_settings(config)
    assert (setup.model.C, setup.novelty_threshold, setup.threshold, setup.ambiguity) == (3.0, 0.9, 0.4, 0.1)
