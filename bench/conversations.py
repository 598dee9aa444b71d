"""The conversation scripts of the benchmark, shared by bench/locustfile.py and bench/profile.py.

(name, weight, [(message, phrases of which the reply must contain one; () = any non-empty reply)]),
read from bench/conversations.yml: OURS for this assistant, BASELINE for `rasa init`'s bot.
"""

from __future__ import annotations

from pathlib import Path

import yaml

Script = tuple[str, int, list[tuple[str, tuple[str, ...]]]]


def _scripts(bot: str) -> list[Script]:
    with open(Path(__file__).with_suffix(".yml"), encoding="utf-8") as fh:
        scripts = yaml.safe_load(fh)[bot]
    return [
        (
            script["name"],
            script["weight"],
            [(message, tuple(phrases)) for message, phrases in script["turns"]],
        )
        for script in scripts
    ]


OURS = _scripts("ours")
BASELINE = _scripts("baseline")
