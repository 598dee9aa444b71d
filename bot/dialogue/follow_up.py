"""What an `inform` message outside a form follows up on.

NLU labels fragments `inform`: "and outsourcing?", "and for 120 users?", "not sure", "we have no IT
staff". Out of a form they continue the thread: `decide` says which way:
- "not sure" with no question pending: offer the advisor and the topics;
- otherwise a cost follow-up with numbers, a tier or a period gets the estimate (the actions' own
  reading), anything else the knowledge topic discussed last, for the side named.
(An answer to a paused advisor's question never gets here: bot.dialogue.context reads it as
`ask_advice`, whatever NLU made of it.)
"""

from __future__ import annotations

import re

from bot.forms import words

NOT_SURE = "not_sure"
ANSWER = "answer"  # the price/terms reading or the knowledge follow-up

_UNSURE = re.compile(
    r"^(?:(?:hmm+|well|honestly|tbh|i'?m|im|i am|we'?re|we are|still)[, ]+)*"
    r"(?:i |we )?(?:really |honestly )?(?:not sure|unsure|no idea|don'?t know|dont know|do not know|dunno|idk|no clue|hard to say|can'?t say|"
    r"not decided|haven'?t decided|undecided)(?: yet| tbh| really| honestly| either)?[.!]*$",
    re.I,
)


def is_unsure(text: str | None) -> bool:
    """'not sure', "I don't know yet", 'no idea': and nothing else."""
    return bool(_UNSURE.match(words.clean(text)))


def decide(text: str | None) -> str:
    return NOT_SURE if is_unsure(text) else ANSWER
