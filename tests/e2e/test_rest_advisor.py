"""End to end over REST: visitors TYPE to the sourcing advisor, ask for estimates, terms and facts.

Real Rasa and action servers, the trained model, a real SQLite catalogue. Every visitor types
(no button payloads); each conversation ends in the advice the article's criteria give for it,
a conflict says what it depends on, and the hand-off to sales stores the advice with the lead.
Run with -s to see the transcripts.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import leads_of

pytestmark = pytest.mark.e2e

ADVICE = "My advice:"

# (persona, what the visitor types in order, a phrase the last answer must contain)
CONVERSATIONS = [
    (
        "office manager of a 40-person firm, no IT staff, helpdesk and laptops",
        [
            "hi",
            "should we outsource our helpdesk?",
            "nobody, the office manager does it",
            "yes please, patching is killing us",
            "a flat monthly fee, no surprises",
            "for years, we want a partner",
        ],
        "managed services",
    ),
    (
        "CTO with a team who needs a portal built once, asks a question in between",
        [
            "which one is right for us?",
            "a new customer portal",
            "how is outsourcing usually billed?",
            "we have 12 engineers",
            "no, our admin does that",
            "fixed price for the project",
            "about 3 months",
        ],
        "project-based IT outsourcing",
    ),
    (
        "engineering lead who wants developers in the team and then stops asking",
        [
            "help me choose",
            "2 java devs to join our team",
            "a team of 8",
            "just give me the advice",
        ],
        "staff augmentation",
    ),
    (
        "ops lead with servers to run and an app to build",
        [
            "which model fits us?",
            "run our servers and build a new app",
            "two guys",
            "24/7, we run a webshop",
            "monthly",
            "long term",
        ],
        "a mix, managed services plus",
    ),
    (
        "founder whose answers contradict each other",
        [
            "help me choose",
            "extra testers for our QA team",
            "nobody, the office manager does it",
            "just give me the advice",
        ],
        "It depends on",
    ),
]


def converse(visitor, lines: list[str]) -> list[str]:
    transcript = []
    for line in lines:
        replies = visitor.say(line)
        assert replies, f"no answer to {line!r}"
        transcript.append(f"visitor: {line}")
        for reply in replies:
            buttons = " | ".join(b["title"] for b in reply.get("buttons") or [])
            transcript.append(f"    bot: {reply.get('text', '')}" + (f" [{buttons}]" if buttons else ""))
    return transcript


@pytest.mark.parametrize("persona, lines, expected", CONVERSATIONS, ids=[c[0] for c in CONVERSATIONS])
def test_a_typed_advisor_conversation(persona, lines, expected, visitor):
    transcript = converse(visitor, lines)
    print(f"\n--- {persona}\n" + "\n".join(transcript))
    answer = " ".join(t for t in transcript[-3:] if t.startswith("    bot:"))
    assert expected in answer, f"{persona}: {transcript[-4:]}"
    questions = [
        t for t in transcript if t.rstrip(" ]").split(" [")[0].endswith("?") and t.startswith("    bot")
    ]
    assert len(questions) == len(set(questions)) or all(questions.count(q) <= 2 for q in questions)


def test_talk_to_sales_after_advice_stores_the_advice_with_the_lead(visitor, bot_cli):
    transcript = converse(
        visitor,
        [
            "which model fits us, our team is drowning in patching",
            "monthly",
            "long term",
            "our servers",
            "talk to sales",
            "Jane Doe",
            "jane.doe@advice-e2e.com",
            "Acme GmbH",
            "skip the rest",
            "yes",
            "send it",
        ],
    )
    print("\n--- hand-off to sales\n" + "\n".join(transcript))
    assert any(ADVICE in t and "managed services" in t for t in transcript)
    assert not any(
        "leaning towards managed services or IT outsourcing" in t for t in transcript
    ), "the advice answers the model question"
    leads = leads_of(bot_cli, visitor.sender)
    assert len(leads) == 1
    lead = leads[0]
    assert lead["recommendation"] == "managed_services" and lead["sourcing_model"] == "managed_services"
    assert lead["service"] == "managed-servers" and lead["advice"]["services"] == ["managed-servers"]
    shown = bot_cli("leads", "show", str(lead["id"]))
    assert "Advisor's recommendation: managed services" in shown and "Proactivity:" in shown
    print(shown)


def test_cost_estimates_with_exact_figures(visitor):
    transcript = converse(
        visitor,
        [
            "What would managed helpdesk cost for 120 users?",
            "premium tier?",
            "we have 40 servers, not 10",
            "all of backup, firewall and helpdesk per year?",
            "which is cheaper, in-house or managed helpdesk?",
        ],
    )
    print("\n--- cost estimates\n" + "\n".join(transcript))
    text = "\n".join(transcript)
    assert "+ 70 extra users × EUR 19 = EUR 2,430 per month; × 12 = EUR 29,160 per year" in text
    assert "Premium tier: EUR 1,600 (incl. 50 users) + 70 extra users × EUR 19 = EUR 2,930 per month" in text
    assert "+ 30 extra servers × EUR 95 = EUR 4,050 per month" in text
    assert "= EUR 2,250 per month; × 12 = EUR 27,000 per year" in text
    assert "1.2 people × EUR 45,000 salary × 1.3 = EUR 70,200" in text


def test_terms_and_company_facts(visitor):
    transcript = converse(
        visitor,
        [
            "do you offer a managed helpdesk?",
            "minimum contract length?",
            "can we cancel after 6 months?",
            "is VAT included?",
            "do you work with healthcare clients?",
            "can our data stay in the EU?",
            "which languages does your helpdesk speak?",
            "where is your office?",
            "who is your ceo?",
        ],
    )
    print("\n--- terms and facts\n" + "\n".join(transcript))
    text = "\n".join(transcript)
    assert "12-month minimum term" in text
    assert "still inside the 12-month minimum term" in text
    assert "exclude VAT" in text
    assert "healthcare" in text and "Frankfurt" in text and "German" in text and "Warsaw" in text
    assert "I don't know that" in transcript[-1]
