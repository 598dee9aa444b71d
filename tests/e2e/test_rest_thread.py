"""The visitor's thread over REST (issue 16): every turn typed, checked on the reply the visitor sees."""

from __future__ import annotations

import pytest

from tests.e2e.thread_script import CONVERSATIONS

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("name", list(CONVERSATIONS))
def test_typed_conversation_stays_on_the_thread(name, visitor):
    problems = []
    for turn in CONVERSATIONS[name]:
        reply = visitor.say_text(turn.says)
        problems += [f"{turn.says!r} -> {p}; reply: {reply[:300]!r}" for p in turn.problems(reply)]
    assert not problems, "\n".join(problems)
