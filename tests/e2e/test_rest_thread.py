"""The visitor's thread over REST (issue 16): every turn typed, checked on the reply the visitor sees."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.thread_script import CONVERSATIONS

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("name", list(CONVERSATIONS))
def test_typed_conversation_stays_on_the_thread(name, visitor):
    email = f"thread-rest-{uuid.uuid4().hex[:8]}@firma-thread.com"
    problems = []
    for turn in CONVERSATIONS[name]:
        reply = visitor.say_text(turn.typed(email))
        problems += [f"{turn.says!r} -> {p}; reply: {reply[:300]!r}" for p in turn.problems(reply)]
    assert not problems, "\n".join(problems)


def test_the_typed_form_stores_what_was_meant(visitor, bot_cli):
    """The lead of 'form answers are read right': the budget typed at the start question is the
    budget, the consent typed early counts, and neither a name nor nonsense is a service."""
    email = f"thread-lead-{uuid.uuid4().hex[:8]}@firma-thread.com"
    for turn in CONVERSATIONS["form answers are read right"]:
        visitor.say(turn.typed(email))
    (lead,) = [x for x in bot_cli("leads", "list", "--json", as_json=True) if x["email"] == email]
    assert lead["name"] == "Anna Smith" and lead["company"] == "Firma Thread"
    assert lead["budget"] == "5k-15k/month" and lead["timeline"] == "1-3 months"
    assert lead["service"] is None and lead["role"] == "decision maker"
