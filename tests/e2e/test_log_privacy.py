"""Logs carry no name, company, e-mail address, phone number or secret, even at DEBUG.

Both servers run at DEBUG level (LOG_LEVEL), where Rasa logs every parsed message, slot
value and bot reply, and a visitor completes the lead form. Then neither log may contain
what the visitor typed. The values are unusual on purpose: a match cannot be chance.
Without the log policy (bot.logsafe) this test fails: the name and company are in
Rasa's debug events about 20 times each.
"""

import re

import pytest

from bot.serve import Servers, free_port
from bot.settings import get_settings
from tests.e2e.conftest import Visitor

pytestmark = pytest.mark.e2e

NAME, COMPANY = "Quintessa Marlowe", "Zorblat Industries"
EMAIL = "quintessa.marlowe@zorblat-pii.com"
ANSWERS = [
    (NAME, "e-mail"),
    (EMAIL, "company"),
    (COMPANY, "How many people"),
    ("about 120 people", "Which service"),
    ("the helpdesk", "budget"),  # a catalogue service also answers the model question
    ("around 10k a month", "start"),
    ("next quarter", "role"),
    ("I'm the CTO", "phone"),
    ("+44 20 7946 0958", "privacy notice"),
    ("/affirm", "Shall I send it?"),  # the "Yes, contact me" button
    ("/affirm", "get in touch"),  # "Yes, send it"
]
SECRETS = [
    NAME,
    "Quintessa",
    "Marlowe",
    COMPANY,
    "Zorblat",
    EMAIL,
    "zorblat-pii",
    "+44 20 7946 0958",
    "+442079460958",
    "7946 0958",
    "79460958",
]


@pytest.fixture(scope="module")
def debug_servers(e2e_env, tmp_path_factory):
    log_dir = tmp_path_factory.mktemp("debug-logs")
    with Servers(
        rasa_port=free_port(),
        action_port=free_port(),
        log_dir=log_dir,
        env_overrides={**e2e_env, "LOG_LEVEL": "DEBUG"},
    ) as running:
        yield running


def test_debug_logs_hold_no_personal_data(debug_servers):
    visitor = Visitor(debug_servers)
    assert "name" in visitor.say_text("can someone from sales call me?")
    for answer, expected in ANSWERS:
        text = visitor.say_text(answer)
        assert expected in text, f"after {answer!r}: {text!r}"
    logs = {path.name: path.read_text(errors="replace") for path in debug_servers.log_dir.glob("*.log")}
    assert len(logs) == 2
    everything = "\n".join(logs.values())
    # the servers really logged this conversation at DEBUG: its parsed messages and slots
    assert "processor.message.parse" in everything and "processor.slots.log" in everything
    found = {
        secret: name for secret in SECRETS for name, log in logs.items() if secret.lower() in log.lower()
    }
    assert not found, f"personal data in the logs: {found}"
    assert "lead_name: <hidden>" in everything and "characters hidden" in everything
    assert get_settings().action_server_secret not in everything
    assert not re.search(r"Quintessa|Zorblat", everything, re.IGNORECASE)
