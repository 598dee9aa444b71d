"""Typed conversations that follow the visitor's thread (issue 16), run over REST and in the widget.

Each conversation is a list of turns: what the visitor types (never a button payload) and what the
reply must and must not say. The same script runs over REST (test_rest_thread.py) and in Chromium
through the widget (test_widget_thread.py), so both channels prove the same replies.
Expected figures come from the catalogue (tests/catalogue_prices.py), never typed in.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.catalogue.answers import format_money
from tests.catalogue_prices import price, service


@dataclass(frozen=True)
class Turn:
    says: str
    has: tuple[str, ...] = ()  # every one of these is in the reply (case-insensitive)
    lacks: tuple[str, ...] = ()  # none of these is

    def typed(self, email: str) -> str:
        """What is typed: `{email}` becomes this run's own address (leads are per address)."""
        return self.says.replace("{email}", email)

    def problems(self, reply: str) -> list[str]:
        low = reply.lower()
        missing = [f"missing {h!r}" for h in self.has if h.lower() not in low]
        present = [f"unexpected {x!r}" for x in self.lacks if x.lower() in low]
        return missing + present


def turn(says: str, has: str | tuple[str, ...] = (), lacks: str | tuple[str, ...] = ()) -> Turn:
    return Turn(says, (has,) if isinstance(has, str) else has, (lacks,) if isinstance(lacks, str) else lacks)


WHICH = "Which service do you mean"


def price_of(amount) -> str:
    return format_money(amount, "EUR")


ADVISOR_INTRO = "Happy to help you choose"
ADVISOR_WORK_Q = "What is the work mainly about"
CANT_HELP = "can't help with that"
DEFINITION = "Managed services are a specific, proactive form of IT outsourcing"

LANGUAGE_NOTICE = "only answer in English"
DEVOPS = service("devops-engineering")
HELPDESK = service("managed-helpdesk")
NETWORK = service("managed-network")
MIGRATION = service("system-migration")

CONVERSATIONS: dict[str, list[Turn]] = {
    "follow-ups keep the service in focus": [
        turn("do u guys do devops?", DEVOPS.name),
        turn("price?", (DEVOPS.name, price(DEVOPS.slug)), WHICH),
        turn("is there an sla on that", DEVOPS.name, WHICH),
    ],
    "advice requests start the advisor (1)": [
        turn(
            "which one is right for us, outsourcing or managed services? help me choose",
            ADVISOR_INTRO,
            DEFINITION,
        ),
    ],
    "advice requests start the advisor (2)": [
        turn("should we outsource or go with managed services?", ADVISOR_INTRO, DEFINITION),
    ],
    "advice requests start the advisor (3)": [
        turn("help me choose between outsourcing and managed services", ADVISOR_INTRO, DEFINITION),
    ],
    "not sure as a first message": [
        turn("not sure", ("help you work out", "basics"), DEFINITION),
        turn("yes", ADVISOR_INTRO),
    ],
    "a summary in one sentence": [
        turn("summarize the difference in one sentence", "In one sentence", CANT_HELP),
    ],
    "the advisor's question is not repeated once the visitor moved on": [
        turn("help me choose", ADVISOR_WORK_Q),
        turn("what is proactivity in managed services?", ("proactive", "carry on"), ADVISOR_WORK_Q),
        turn("what does the helpdesk cost?", price(HELPDESK.slug), (ADVISOR_WORK_Q, "carry on")),
        turn("thanks", (), ADVISOR_WORK_Q),
        turn("ok let's continue with the advice", ADVISOR_WORK_Q),
    ],
    "commercial questions get the catalogue's terms": [
        turn("what does your managed helpdesk cost?", price(HELPDESK.slug)),
        turn(
            "is that per user or flat?",
            (f"{HELPDESK.included_quantity} users", f"{price_of(HELPDESK.extra_unit_price)} a month"),
            WHICH,
        ),
        turn(
            "is there a discount for a 3 year contract?", ("don't publish discounts", "sales"), "partnership"
        ),
        turn("and for 120 users?", f"{120 - HELPDESK.included_quantity} extra users"),
    ],
    "a price asked inside the lead form is about the service named there": [
        turn("i'd like to talk to sales", "What's your name"),
        turn("Jan Kowalski", "e-mail"),
        turn("{email}", "Which company"),
        turn("Acme Logistics", "How many people"),
        turn("about 40", "Which service"),
        turn("managed network", "budget"),
        turn("how much does it cost btw?", (NETWORK.name, price(NETWORK.slug), "budget"), WHICH),
        turn("is there an sla on that", (NETWORK.name, "Premium", "budget"), WHICH),
        turn("stop", "Nothing was stored"),
    ],
    "an estimate waits for its service": [
        turn("how much for 120 users?", "Which service should I estimate"),
        turn("helpdesk", f"{120 - HELPDESK.included_quantity} extra users"),
    ],
    "how long a service takes": [
        turn(
            "how long does a system migration usually take?",
            (MIGRATION.name, MIGRATION.engagement),
            CANT_HELP,
        ),
    ],
    "form answers are read right": [
        turn("talk to sales", "What's your name"),
        turn("talk to sales pls", "What's your name", "Thanks, talk"),
        turn("Anna Smith", "e-mail"),
        turn("{email}", "Which company"),
        turn("Firma Thread", "How many people"),
        turn("about 40", "Which service"),
        turn("Wojciech", "Which service", LANGUAGE_NOTICE),
        turn("blue bananas", "managed services or IT outsourcing", LANGUAGE_NOTICE),
        turn("not sure yet", "budget"),
        turn("skip", "When would you like to start"),
        turn("maybe 5 to 10k a month", ("noted your budget", "When would you like to start")),
        turn("next quarter", "role"),
        turn("yes, you may contact me", ("may contact you", "role")),
        turn("I decide", "phone"),
        turn(
            "skip", ("Budget: 5k-15k/month", "Start: 1-3 months", "Shall I send it"), "Service: blue bananas"
        ),
        turn("yes", "Our sales team will get in touch"),
    ],
    "short replies after a short list": [
        turn("what security services do you have?", "Managed firewall"),
        turn("the second", "SOC as a service"),
        turn("price?", price("soc-as-a-service"), WHICH),
    ],
}
