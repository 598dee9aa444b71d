"""The words any form question understands, whatever it asks.

Pure functions, no Rasa: a bounded, one-line copy of the message (`clean`), a question of its
own, stop / skip / skip the rest, yes or no, and "not sure". The forms' own readers (names,
e-mails, budgets, the advisor's answers) build on these.
"""

from __future__ import annotations

import re
import unicodedata

MAX_TEXT = 500  # a form answer longer than this is not an answer (and is never scanned)

# ----------------------------------------------------------------------------- shape


def clean(text: str | None) -> str:
    """One line, single spaces, typographic apostrophes made plain, bounded."""
    text = unicodedata.normalize("NFC", (text or "")[:MAX_TEXT])
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u00b4", "'")
    return " ".join(text.split())


_QUESTION_START = re.compile(
    r"^(what|whats|what's|how|why|which|who|whom|whose|where|when|do|does|did|can|could|would|"
    r"will|should|shall|is|are|am|was|were|have|has|may|might|tell me|explain|describe|"
    r"i (want|would like|'d like) to know|i'm wondering|i wonder|wondering)\b",
    re.I,
)


def looks_like_question(text: str | None) -> bool:
    """A question or request of its own: ends with '?' or starts like one."""
    text = clean(text)
    return text.endswith("?") or bool(_QUESTION_START.match(text))


# ----------------------------------------------------------------------------- intents in the form

_CANCEL = re.compile(
    r"^(stop|cancel|quit|exit|abort|bye|goodbye|good bye|forget it|never ?mind|nvm|leave it)\b"
    r"|\b(stop (this|the form|asking)|cancel (this|that|it|the form)|forget (it|about it)|never ?mind|"
    r"changed my mind|leave me alone|"
    r"(do ?n[o']?t|dont|not) (want|wish|like) to (give|share|leave|provide|hand over|be contacted)|"
    r"(rather|prefer) not (to )?(give|share|leave|provide) (you )?(my|any) (details|data|info\w*|contact)|"
    r"(do ?n[o']?t|dont) (contact|call|email|e-mail) me|"
    r"(not|n't) (giving|sharing) (you )?(my|any) (details|data|info\w*))\b",
    re.I,
)
_SKIP_ALL = re.compile(
    r"\b(skip (all|everything|the rest|the others|these( questions)?|the (other|remaining|optional)"
    r"( questions)?|(all )?(the )?(other|remaining|optional) (ones|questions))|"
    r"no more questions|enough questions|(rather )?not answer (these|the rest|any more)|"
    r"just (send|pass) (it|them|my details)|skip all|"
    r"(just |now )?(give|tell|show) me (the|your) (advice|recommendation|answer)( now)?)\b",
    re.I,
)
_SKIP = re.compile(
    r"^(skip( it| this| that| this one| that one| please)?|pass|next|no|nope|none|n/?a|-|"
    r"no thanks|no thank you|rather not( say)?|i'?d rather not( say)?|prefer not to say|"
    r"no comment|not telling|don'?t want to say|no phone|no number|no phone number|"
    r"i'?ll skip( that| this| it)?|let'?s skip( that| this| it)?)[.!]*$",
    re.I,
)


def wants_to_stop(text: str | None) -> bool:
    """'stop', 'I don't want to give my details', 'forget it': end the form, store nothing."""
    return bool(_CANCEL.search(clean(text)))


def wants_to_skip_all(text: str | None) -> bool:
    """'skip the rest': leave out every optional question."""
    return bool(_SKIP_ALL.search(clean(text)))


def wants_to_skip(text: str | None) -> bool:
    """'skip', 'pass', 'rather not say': leave out this question."""
    return bool(_SKIP.match(clean(text)))


# ----------------------------------------------------------------------------- not sure

NOT_SURE_RE = re.compile(
    r"\b(not sure|unsure|no idea|don'?t know|dunno|depends|tbd|to be (decided|defined)|"
    r"no budget( yet)?|not (yet )?(defined|decided|set)|open|flexible|undecided|maybe|"
    r"no rush|no hurry|just (exploring|looking|browsing|researching)|no plans?( yet)?|"
    r"no clue|not decided|haven'?t decided|can'?t say|hard to say|not yet)\b",
    re.IGNORECASE,
)


def reads_not_sure(text: str | None) -> bool:
    """'not sure', 'no idea', 'dunno': an answer that says the visitor doesn't know yet."""
    return bool(NOT_SURE_RE.search(clean(text)))


# ----------------------------------------------------------------------------- yes / no

_YES = re.compile(
    r"^(yes|yeah|yea|yep|yup|ya|sure|ok|okay|k|of course|absolutely|definitely|certainly|"
    r"please do|please|go ahead|go for it|fine|alright|all right|correct|right|that'?s right|"
    r"that'?s correct|that'?s fine|agreed|i agree|i consent|consent|looks good|looks fine|looks right|"
    r"all good|perfect|great|good|send it|send|do it|confirm(ed)?|y|👍|✅)(\b|\s|[,.!]|$)",
    re.I,
)
_NO = re.compile(
    r"^(no|nope|nah|n|not now|not really|rather not|i'?d rather not|don'?t|do not|negative|👎)(\b|\s|[,.!]|$)",
    re.I,
)
_NEGATED = re.compile(r"\b(don'?t|do not|never|not) (agree|consent|send|want|like)\b", re.I)


def read_yes_no(text: str | None) -> bool | None:
    """True for 'sure, go ahead' / 'looks good, send it'; False for 'no thanks'; None if unclear."""
    text = clean(text).strip()
    if not text:
        return None
    if _NO.match(text) or _NEGATED.search(text):
        return False
    if _YES.match(text):
        return True
    return None
