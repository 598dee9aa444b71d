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
