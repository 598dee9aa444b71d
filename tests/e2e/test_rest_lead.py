"""End to end: the lead form over REST, the lead in the sales database, no duplicates."""
from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = pytest.mark.e2e

ANSWERS = [
    ("Jane Doe", "e-mail"),
    ("{email}", "company"),
    ("Acme GmbH", "How many people"),
    ("about 120 people", "Which service"),
    ('/inform{{"service":"managed-helpdesk"}}', "managed services or IT outsourcing"),
    ('/inform{{"sourcing_model":"managed_services"}}', "budget"),
    ("around 10k a month", "start"),
    ("next quarter", "role"),
    ("I'm the CTO", "phone"),
    ("+44 20 7946 0958", "privacy notice"),
    ("/affirm", "Shall I send it?"),
    ("/affirm", "get in touch"),
]


def complete_form(visitor, email: str, answers=ANSWERS) -> list[dict]:
    """Type the whole form; returns the bot's messages after the last answer."""
    assert "name" in visitor.say_text("can someone from sales call me?")
    for answer, expected in answers:
        replies = visitor.say(answer.format(email=email))
        text = " ".join(m.get("text", "") for m in replies)
        assert expected in text, f"after {answer!r}: {text!r}"
    return replies


def test_completed_form_gives_exactly_one_lead(visitor, bot_cli):
    complete_form(visitor, "jane.doe@acme-e2e.com")
    leads = [lead for lead in bot_cli("leads", "list", "--json", as_json=True)
             if lead["conversation_id"] == visitor.sender]
    assert len(leads) == 1
    lead = leads[0]
    assert lead["email"] == "jane.doe@acme-e2e.com" and lead["consent"] is True
    assert lead["service"] == "managed-helpdesk" and lead["budget"] == "5k-15k/month"
    assert lead["phone"] == "+442079460958" and lead["score"] > 0 and lead["reasons"]
    shown = bot_cli("leads", "show", str(lead["id"]))
    assert "can someone from sales call me?" in shown  # the transcript from the tracker store
    print(shown)


def test_logs_carry_no_email_phone_or_name(servers, visitor):
    complete_form(visitor, "private.person@acme-logs.com")
    logs = "".join(path.read_text(errors="replace") for path in servers.log_dir.glob("*.log")
                   if str(servers.rasa_port) in path.name or str(servers.action_port) in path.name)
    assert logs  # the servers did write logs
    for secret in ("private.person@acme-logs.com", "7946 0958", "+442079460958", "Jane Doe"):
        assert secret not in logs


def test_interruption_and_stop_store_nothing(visitor, bot_cli):
    visitor.say("I'd like a quote")
    visitor.say("Sam Smith")
    assert "subscription" in visitor.say_text("how are managed services billed?")
    assert "Nothing was stored" in visitor.say_text("stop")
    assert not [lead for lead in bot_cli("leads", "list", "--json", as_json=True)
                if lead["conversation_id"] == visitor.sender]


def test_twenty_parallel_conversations_give_twenty_leads(servers, bot_cli):
    from tests.e2e.conftest import Visitor

    visitors = [Visitor(servers) for _ in range(20)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(lambda iv: complete_form(iv[1], f"visitor{iv[0]}@parallel-e2e.com"), enumerate(visitors)))
    ids = {v.sender for v in visitors}
    leads = [lead for lead in bot_cli("leads", "list", "--json", as_json=True) if lead["conversation_id"] in ids]
    assert len(leads) == 20
    assert len({lead["conversation_id"] for lead in leads}) == 20
