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
    r"^(yes|yeah|yea|yep|yup|ya|yes please|sure|sure thing|ok|okay|k|of course|absolutely|definitely|"
    r"certainly|please do|please|go ahead|go on|go for it|fine|alright|all right|correct|right|"
    r"that'?s right|that'?s correct|that'?s fine|that'?s ok(ay)?|agreed|i agree|i consent|consent|"
    r"looks good|looks fine|looks right|sounds good|sounds fine|all good|perfect|great|good|send it|send|"
    r"do it|confirm(ed)?|no problem|no objections?|by all means|why not|happy to|y|👍|✅)(\b|\s|[,.!]|$)",
    re.I,
)
_NO = re.compile(
    r"^(no|nope|nah|n|not now|not really|rather not|i'?d rather not|i would rather not|i'?d prefer not|"
    r"i prefer not|prefer not|don'?t|do not|negative|no way|not interested|not ok(ay)?|absolutely not|"
    r"definitely not|certainly not|of course not|👎)(\b|\s|[,.!]|$)",
    re.I,
)
_NEGATED = re.compile(
    r"\b(don'?t|dont|do not|never|not|no need to|rather you didn'?t|prefer you didn'?t)\s+"
    r"(agree|consent|send|want|like|contact|call|e-?mail|reach|ring|get in touch|pass|share)\b"
    r"|\bwithout (my )?consent\b",
    re.I,
)
# said with "no" or "don't" but meaning yes
_YES_FIRST = re.compile(
    r"^(no problem|no objections?|no worries|not a problem|why not|(i )?(don'?t|do not) mind)\b", re.I
)
_PLEASE = re.compile(r"^(please|pls|plz)\b", re.I)
# "you may contact me", "ok to contact me", "you can reach me", "feel free to call me"
_CONTACT = r"(contact|reach|call|ring|e-?mail|mail|phone|text|message|get in touch with|get back to)"
CONSENT_RE = re.compile(
    rf"\b(you|you guys|your (team|colleagues|people|sales( team)?)|(the )?sales( team)?|they|someone|somebody)\s+"
    rf"(may|can|could|are (welcome|free) to|have my (permission|consent) to)\s+{_CONTACT}\s+(me|us)\b"
    r"(?!\s+(at|on)\b)"  # "you can reach me at jan@acme.pl" gives an address, not consent
    r"|\b(ok|okay|fine|happy|glad|willing|alright|all right|good)\s+"
    r"(with\s+(being\s+)?|for\s+(you|your (team|sales( team)?)|sales)\s+to\s+|to\s+(be\s+)?)"
    rf"{_CONTACT}(ed)?\b"
    rf"|\bfeel free to {_CONTACT}\b"
    r"|\b(you have|you'?ve got|i give you|i give) (my )?(consent|permission)\b"
    r"|\bi (hereby )?consent\b|\bi agree to (be(ing)? )?contact\w*"
    rf"|\b{_CONTACT}(ing)? me is (fine|ok|okay|alright|good)\b",
    re.I,
)


def read_yes_no(text: str | None) -> bool | None:
    """True for 'sure, go ahead' / 'yes, you may contact me' / 'you can reach me'; False for
    'no thanks' / 'please don't contact me' / 'rather not'; None if unclear."""
    text = clean(text).strip()
    if not text:
        return None
    if _YES_FIRST.match(text):
        return True
    if _NO.match(text):
        return False
    if _NEGATED.search(text):
        if _YES.match(text) and not _PLEASE.match(text):
            return None  # "sure, but don't call me": not a clear yes or no
        return False
    if _YES.match(text) or CONSENT_RE.search(text):
        return True
    return None


def starts_with_yes(text: str | None) -> bool:
    """'sure, but ...', 'yes, ...': a yes to a yes/no question, whatever follows."""
    return bool(_YES.match(clean(text)))


def gives_consent(text: str | None) -> bool:
    """An explicit consent to be contacted, said whatever the question ('yes, you may contact me',
    'ok to contact me', 'I consent'); a bare 'yes' or 'sure' is not one."""
    text = clean(text)
    return bool(CONSENT_RE.search(text)) and not _NEGATED.search(text) and not _NO.match(text)


# ----------------------------------------------------------------------------- requests to the bot

# "talk to sales pls", "can I speak to a human", "put me through to someone"
_SALES_REQUEST = re.compile(
    r"\b(talk|speak|chat|connect|get in touch|put me through|transfer me|hand me over|pass me)\b"
    r"(\s+\w+){0,3}?\s+(to|with)\s+(a |an |the |your |some )?"
    r"(sales|sales ?(team|rep|person|people|department|guy|folks)|someone|somebody|(real |live )?"
    r"(human|person|people|rep|representative|agent|operator|consultant|advisor|adviser|colleague)s?|"
    r"team|human being)\b"
    r"|^(please |pls |plz )?(contact|call|reach) (sales|me|us)( back)?( please| pls| plz| asap)?[.!]*$"
    r"|^(sales|sales team|a human|human|agent|operator|real person)( please| pls| plz| now)?[.!]*$"
    r"|\b(can|could|would|will) (someone|somebody|sales|your team|a human|a person) (from \w+( \w+)? )?"
    r"(call|contact|ring|email|e-mail|reach) (me|us)( back)?\b"
    r"|\b(get|want|need|would like|'d like) (me )?(a |an )?(human|real person|live person|live agent|human agent)\b",
    re.I,
)
# "help", "what can you do", "menu", "go back", "restart", "start over"
_COMMAND = re.compile(
    r"^((ok|okay|um+|hm+|hey|hi|please|pls|plz|so|wait|can you|could you|can we|let'?s|i want to|i'?d like to)[\s,]+)*"
    r"(help( me)?|help please|i need help|what can you do|what do you do|what can i (do|ask|say)|"
    r"what are (my|the) options|options|show (me )?(the )?options|menu|main menu|show (me )?(the )?menu|"
    r"go back|back|go back to the menu|previous question|undo|restart|start (again|over|from scratch|"
    r"from the (beginning|start))|reset|begin again)"
    r"(\s+(please|pls|plz|now))?[\s?.!]*$",
    re.I,
)


def asks_for_sales(text: str | None) -> bool:
    """'talk to sales pls', 'can I speak to a human', 'can someone call me back'."""
    return bool(_SALES_REQUEST.search(clean(text)))


def is_command(text: str | None) -> bool:
    """A request about the conversation itself: 'help', 'what can you do', 'menu', 'go back', 'restart'."""
    return bool(_COMMAND.match(clean(text)))


def is_request_to_bot(text: str | None) -> bool:
    """A request to the assistant, not an answer: sales or a human, help, menu, back, restart."""
    return asks_for_sales(text) or is_command(text)
