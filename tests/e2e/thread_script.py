"""Typed conversations that follow the visitor's thread (issue 16), run over REST and in the widget.

Each conversation is a list of turns: what the visitor types (never a button payload) and what the
reply must and must not say. The same script runs over REST (test_rest_thread.py) and in Chromium
through the widget (test_widget_thread.py), so both channels prove the same replies.
Expected figures come from the catalogue (tests/catalogue_prices.py), never typed in.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.catalogue_prices import price, service


@dataclass(frozen=True)
class Turn:
    says: str
    has: tuple[str, ...] = ()  # every one of these is in the reply (case-insensitive)
    lacks: tuple[str, ...] = ()  # none of these is

    def problems(self, reply: str) -> list[str]:
        low = reply.lower()
        missing = [f"missing {h!r}" for h in self.has if h.lower() not in low]
        present = [f"unexpected {x!r}" for x in self.lacks if x.lower() in low]
        return missing + present


def turn(says: str, has: str | tuple[str, ...] = (), lacks: str | tuple[str, ...] = ()) -> Turn:
    return Turn(says, (has,) if isinstance(has, str) else has, (lacks,) if isinstance(lacks, str) else lacks)


WHICH = "Which service do you mean"
ADVISOR_INTRO = "Happy to help you choose"
ADVISOR_WORK_Q = "What is the work mainly about"
CANT_HELP = "can't help with that"
DEFINITION = "Managed services are a specific, proactive form of IT outsourcing"

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
    "short replies after a short list": [
        turn("what security services do you have?", "Managed firewall"),
        turn("the second", "SOC as a service"),
        turn("price?", price("soc-as-a-service"), WHICH),
    ],
}
