"""End to end: the lead form over REST, the lead in the sales database, no duplicates."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.e2e.conftest import leads_of
from tests.lead_script import CATALOGUE_QUESTION, LEAD_START, SERVICE, lead_answers

pytestmark = pytest.mark.e2e

ANSWERS = lead_answers("{email}")


def complete_form(visitor, email: str, answers=ANSWERS) -> list[dict]:
    """Ask about SOC as a service, then type the whole form; returns the bot's last messages."""
    for message, expected in (CATALOGUE_QUESTION, LEAD_START):
        text = visitor.say_text(message)
        assert expected in text, f"after {message!r}: {text!r}"
    for answer, expected in answers:
        replies = visitor.say(answer.format(email=email))
        text = " ".join(m.get("text", "") for m in replies)
        assert expected in text, f"after {answer!r}: {text!r}"
    return replies


def test_completed_form_gives_exactly_one_lead(visitor, bot_cli):
    complete_form(visitor, "jane.doe@acme-e2e.com")
    leads = leads_of(bot_cli, visitor.sender)
    assert len(leads) == 1
    lead = leads[0]
    assert lead["email"] == "jane.doe@acme-e2e.com" and lead["consent"] is True
    assert lead["service"] == SERVICE and lead["budget"] == "5k-15k/month"
    assert lead["phone"] == "+442079460958" and lead["score"] > 0 and lead["reasons"]
    shown = bot_cli("leads", "show", str(lead["id"]))
    assert LEAD_START[0] in shown  # the transcript from the tracker store
    print(shown)


def test_interruption_and_stop_store_nothing(visitor, bot_cli):
    visitor.say("I'd like a quote")
    visitor.say("Sam Smith")
    assert "subscription" in visitor.say_text("how are managed services billed?")
    assert "Nothing was stored" in visitor.say_text("stop")
    assert not leads_of(bot_cli, visitor.sender)


def test_twenty_parallel_conversations_give_twenty_leads(servers, bot_cli):
    from tests.e2e.conftest import Visitor

    visitors = [Visitor(servers) for _ in range(20)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        list(
            pool.map(lambda iv: complete_form(iv[1], f"visitor{iv[0]}@parallel-e2e.com"), enumerate(visitors))
        )
    ids = {v.sender for v in visitors}
    leads = [
        lead for lead in bot_cli("leads", "list", "--json", as_json=True) if lead["conversation_id"] in ids
    ]
    assert len(leads) == 20
    assert len({lead["conversation_id"] for lead in leads}) == 20
