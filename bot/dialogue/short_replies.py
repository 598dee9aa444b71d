"""What a short typed reply means after the assistant's last turn.

Visitors rarely click: after "Would a recommendation help?" they type "yes"; after a list of
services, "the second" or "that one"; after "Did you mean our prices?", "yep". Such a reply means
the choice it names, exactly as if its button had been clicked, so the same rules and forms answer
it. Anything longer than a short reply, or a reply the last turn does not settle, is left to NLU.

Pure: `resolve` gets the visitor's text and the last turn (bot.dialogue.last_turn), and returns the
payload of the chosen button ("/ask_advice", '/ask_catalogue_service{"service":"..."}') or None.
"""

from __future__ import annotations

import re

from bot.dialogue.follow_up import is_unsure
from bot.dialogue.last_turn import LastTurn, Option
from bot.forms import words
from bot.text import messages

MAX_WORDS = 5  # "yes that one please" is short; a sentence says more than a choice
NOT_SURE = "/inform"  # "not sure" outside a form: action_follow_up offers the advisor

# Questions whose "yes" is not one of their buttons' titles: the response -> what "yes" means.
YES_MEANS = {
    "utter_advice_offer": "/ask_advice",
    "utter_advice_next": "/request_sales_contact",
    "utter_advice_paused": "/ask_advice",
    "utter_not_sure": "/ask_advice",
}
# Buttons that are a way out, not an answer: "yes" never means them (unless nothing else is offered).
_WAY_OUT = {"/help", "/goodbye", "/deny", "/stop"}
_SALES = "/request_sales_contact"

# "the second", "last one": ordinal -> index of the option (-1: the last)
_ORDINALS: dict[str, int] = messages.words("ordinals")
_ORDINAL = re.compile(
    r"^(?:(?:ok(?:ay)?|yes|yeah|yep|sure)[, ]+)?(?:i'?ll take |let'?s (?:go with |do |take )|i'?d like |"
    r"(?:go|going) with )?(?:the |option |number |no\.? ?|nr\.? ?|#)?"
    rf"({'|'.join(_ORDINALS)}|[1-6])"
    r"(?: one| option| choice| item| service)?(?: please| pls| plz)?[.!]*$",
    re.I,
)
_NUMBERED = re.compile(r"(?:option|number|no\.?|nr\.?|#)\s*[1-6]\b", re.I)
_THAT_ONE = re.compile(
    r"^(?:(?:ok(?:ay)?|yes|yeah|yep|sure)[, ]+)?(?:that|this|that one|this one|that's the one|"
    r"that service|this service|the one you (?:said|mentioned|suggested))(?: please| pls| plz)?[.!]*$",
    re.I,
)
# "carry on" after a question whose yes is known ("Shall we carry on with the advice?")
_CONTINUE = re.compile(
    r"^(?:ok(?:ay)?[, ]+|yes[, ]+|sure[, ]+)?(?:let'?s )?(?:continue|carry on|go on|resume|proceed|"
    r"keep going|back to (?:it|the questions|the advice|the advisor))(?: please| pls)?[.!]*$",
    re.I,
)
_NORMALISE = re.compile(r"[^\w&/+ -]")


def _norm(text: str) -> str:
    return " ".join(_NORMALISE.sub(" ", text.lower()).split())


def says_continue(text: str | None) -> bool:
    """'continue', "let's carry on", 'back to the questions'."""
    return bool(_CONTINUE.match(words.clean(text)))


def is_short(text: str) -> bool:
    text = words.clean(text)
    return bool(text) and len(text.split()) <= MAX_WORDS and "?" not in text


def _answers(options: tuple[Option, ...]) -> list[Option]:
    return [o for o in options if o.payload not in _WAY_OUT]


MIN_PART = 4  # "helpdesk" picks "Managed helpdesk"; shorter words pick too easily
# words that are in many titles and name none of them on their own
_GENERIC = frozenset(messages.words("generic_title_words"))


def _by_title(text: str, options: tuple[Option, ...], partly: bool = True) -> Option | None:
    """The option whose title was typed, or (`partly`) the one option whose title holds the words
    typed: "helpdesk" for "Managed helpdesk"."""
    wanted = _norm(text)
    if not wanted:
        return None
    exact = next((o for o in options if _norm(o.title) == wanted), None)
    if exact or not partly or len(wanted) < MIN_PART or set(wanted.split()) <= _GENERIC:
        return exact
    within = [o for o in options if re.search(rf"(^| ){re.escape(wanted)}($| )", _norm(o.title))]
    return within[0] if len(within) == 1 else None


def _ordinal(text: str, options: tuple[Option, ...]) -> Option | None:
    m = _ORDINAL.match(text)
    if not m:
        return None
    word = m.group(1).lower()
    if word.isdigit():
        if not _NUMBERED.search(text):
            return None  # a bare "2" answers "how many?" as often as it picks an option
        index = int(word) - 1
    else:
        index = _ORDINALS[word]
    answers = _answers(options)
    try:
        return answers[index]
    except IndexError:
        return None


def yes_means(turn: LastTurn) -> str | None:
    """What "yes" chooses after this turn: the question's own meaning, or its one real choice."""
    question = turn.question
    for response in reversed(turn.responses):
        if response in YES_MEANS:
            return YES_MEANS[response]
    if question is None or not question.text.rstrip().endswith("?"):
        return None
    answers = [o for o in _answers(question.options) if o.payload != _SALES]
    if len(answers) == 1:
        return answers[0].payload
    if not answers and any(o.payload == _SALES for o in question.options):
        return _SALES  # "Shall I put you in touch with sales?"
    return None


def resolve(text: str | None, turn: LastTurn, in_form: bool = False) -> str | None:
    """The payload a short reply chooses after `turn`, or None (NLU reads the message)."""
    text = words.clean(text)
    if not is_short(text) or text.startswith("/"):
        return None
    question = turn.question
    options = question.options if question else ()
    # in a form, part of a title is the form's to read ("skip" is not "Skip the rest")
    chosen = _by_title(text, options, partly=not in_form) or _ordinal(text, options)
    if chosen:
        return chosen.payload
    if _THAT_ONE.match(text):
        answers = [o for o in _answers(options) if o.payload != _SALES]
        return answers[0].payload if len(answers) == 1 else None
    if in_form:
        return None  # yes, no and "not sure" are the form's to read
    if is_unsure(text):
        return NOT_SURE
    yes = yes_means(turn)
    if yes and _CONTINUE.match(text):
        return yes
    answer = words.read_yes_no(text)
    if answer is True and yes:
        return yes
    if answer is False and yes:
        return "/deny"
    return None
