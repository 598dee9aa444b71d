"""End to end: forms typed over REST to the real servers; alerts arrive at real local receivers.

Exactly one e-mail, one Slack-style message and one signed webhook per lead, also after
the action server (and with it the outbox worker) is killed and started again while the
SMTP server is down.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from receivers import wait_for
from sales_stack import SECRET
from standardwebhooks import Webhook

from bot import settings
from tests.e2e.conftest import Visitor, bot_command, leads_of
from tests.e2e.test_rest_lead import ANSWERS, complete_form

pytestmark = pytest.mark.e2e

# The same form, answered by someone with no budget, no date and no say in the decision.
UNQUALIFIED = [
    ("no idea", expected)
    if expected == "start"
    else ("not sure yet", expected)
    if expected == "role"
    else ("just researching", expected)
    if expected == "phone"
    else (answer, expected)
    for answer, expected in ANSWERS
]
ARTIFACTS = settings.ROOT / "tests" / "artifacts"


def lead_of(cli, conversation_id: str) -> dict:
    leads = leads_of(cli, conversation_id)
    assert len(leads) == 1
    return leads[0]


@pytest.fixture
def sales_cli(sales_stack):
    return bot_command(sales_stack.env)


def alerts_for(stack, lead_id: int) -> tuple[list, list, list]:
    mails = [m for m in stack.smtp.messages if m["Message-ID"].startswith(f"<lead-{lead_id}.")]
    slack = [
        json.loads(body)
        for _h, body in stack.slack.received
        if f"lead #{lead_id}:" in json.loads(body)["text"]
    ]
    hooks = [(h, body) for h, body in stack.hook.received if h.get("webhook-id") == f"lead-{lead_id}"]
    return mails, slack, hooks


def test_qualified_lead_gets_one_alert_per_channel_and_a_meeting_link(sales_stack, sales_cli):
    visitor = Visitor(sales_stack.servers)
    replies = complete_form(visitor, "jane.doe@acme-alerts.com")
    links = [link for m in replies for link in ((m.get("custom") or {}).get("data") or {}).get("links", [])]
    assert [link["title"] for link in links] == ["Book a call"]
    query = parse_qs(urlsplit(links[0]["url"]).query)
    assert query == {"name": ["Jane Doe"], "email": ["jane.doe@acme-alerts.com"]}

    lead = lead_of(sales_cli, visitor.sender)
    assert lead["qualified"] and lead["owner"] == "anna"  # SOC as a service: the security rule
    assert wait_for(lambda: all(alerts_for(sales_stack, lead["id"])), timeout=30)
    mails, slack, hooks = alerts_for(sales_stack, lead["id"])

    (mail,) = mails
    body = mail.get_content()
    assert mail["Subject"] == f"Qualified lead #{lead['id']}: Acme GmbH (score {lead['score']})"
    for expected in (
        "Name: Jane Doe",
        "E-mail: jane.doe@acme-alerts.com",
        "Service: SOC as a service",
        "Talks to a decision maker (+25)",
        f"Transcript: run `bot leads show {lead['id']}`",
    ):
        assert expected in body
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    raw = next(r for r in sales_stack.smtp.raw if f"Message-ID: <lead-{lead['id']}.".encode() in r)
    (ARTIFACTS / "alert-email.eml").write_bytes(raw)  # as the SMTP server received it
    print(raw.decode())

    assert len(slack) == 1 and "Jane Doe" in slack[0]["text"]
    ((headers, raw),) = hooks
    payload = Webhook(SECRET).verify(raw, headers)
    assert payload["id"] == lead["id"] and payload["owner"] == lead["owner"]
    assert f"owner: {lead['owner']} (" in sales_cli("leads", "show", str(lead["id"]))


def test_unqualified_lead_is_alerted_but_offered_no_meeting_link(sales_stack, sales_cli):
    visitor = Visitor(sales_stack.servers)
    replies = complete_form(visitor, "sam.student@uni-alerts.edu", UNQUALIFIED)
    assert not any(m.get("custom") for m in replies)
    lead = lead_of(sales_cli, visitor.sender)
    assert not lead["qualified"]
    assert wait_for(lambda: all(alerts_for(sales_stack, lead["id"])), timeout=30)
    assert alerts_for(sales_stack, lead["id"])[0][0]["Subject"].startswith(f"New lead #{lead['id']}:")


@pytest.mark.timeout(400)
def test_exactly_one_alert_per_lead_across_an_outage_and_a_killed_worker(sales_stack, sales_cli):
    stack = sales_stack
    stack.smtp.stop()  # the mail server is down while the next lead comes in
    visitor = Visitor(stack.servers)
    complete_form(visitor, "olga.outage@acme-alerts.com")
    lead = lead_of(sales_cli, visitor.sender)
    # Slack and the webhook go out; the e-mail fails and waits for its retry.
    assert wait_for(lambda: alerts_for(stack, lead["id"])[1] and alerts_for(stack, lead["id"])[2], timeout=30)
    assert alerts_for(stack, lead["id"])[0] == []

    stack.restart_action_server()  # SIGKILL: the worker dies wherever it was
    stack.smtp.start()
    assert wait_for(lambda: alerts_for(stack, lead["id"])[0], timeout=60)

    # Give the new worker time to (wrongly) repeat anything, then count every alert.
    before = (len(stack.smtp.raw), len(stack.slack.received), len(stack.hook.received))
    wait_for(lambda: False, timeout=5)
    assert (len(stack.smtp.raw), len(stack.slack.received), len(stack.hook.received)) == before
    leads = sales_cli("leads", "list", "--json", as_json=True)
    for each in leads:
        mails, slack, hooks = alerts_for(stack, each["id"])
        assert (len(mails), len(slack), len(hooks)) == (1, 1, 1), each["id"]
    assert len(stack.smtp.raw) == len(leads)
