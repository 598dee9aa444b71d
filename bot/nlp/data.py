"""Labelled messages for training and evaluation, as plain (text, intent) pairs.

Two formats: Rasa NLU YAML (data/nlu/*.yml, tests/nlu_test.yml) and evaluation sets with an
`items:` list of {text, intent} (tests/nlu_proxy.yml, shared/eval/realworld_dev.yml).
"""

from __future__ import annotations

from pathlib import Path

import yaml

Example = tuple[str, str]


def _rasa_examples(path: Path, retrieval: bool) -> list[Example]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [
        (m.get("text"), (retrieval and m.get("intent_response_key")) or m.get("intent"))
        for m in data.intent_examples
        if m.get("text")
    ]


def load_examples(path: str | Path, retrieval: bool = False) -> list[Example]:
    """Every (text, intent) in a file or a directory of NLU files; with `retrieval`, a
    retrieval intent's examples keep their full label (faq/office), as our classifier trains."""
    path = Path(path)
    if path.is_dir():
        return [ex for file in sorted(path.rglob("*.yml")) for ex in load_examples(file, retrieval)]
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if isinstance(document, dict) and "items" in document:
        return [(str(i["text"]), str(i["intent"])) for i in document["items"] if i.get("text")]
    if isinstance(document, dict) and "nlu" in document:
        return _rasa_examples(path, retrieval)
    return []
