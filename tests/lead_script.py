"""One typed lead form, shared by the e2e test (tests/e2e/test_rest_lead.py) and the
two-replica scale test: (what the visitor types, a phrase the bot's answer must contain).

It follows a catalogue question about SOC as a service, so the form already knows the service
(and, from it, the model) and skips both questions.
"""

from __future__ import annotations

CATALOGUE_QUESTION = ("do you do SOC as a service?", "SOC as a service")
LEAD_START = ("can someone from sales call me?", "name")
SERVICE = "soc-as-a-service"


def lead_answers(email: str) -> list[tuple[str, str]]:
    return [
        ("Jane Doe", "e-mail"),
        (email, "company"),
        ("Acme GmbH", "How many people"),
        ("about 120 people", "budget"),
        ("around 10k a month", "start"),
        ("next quarter", "role"),
        ("I'm the CTO", "phone"),
        ("+44 20 7946 0958", "privacy notice"),
        ("yes", "Shall I send it?"),
        ("yes, send it", "get in touch"),
    ]
