"""Read what visitors type in the lead form: the answer in a sentence, and what they want.

Pure functions, no Rasa and no database. Each `read_<field>` takes the visitor's message and
returns the raw value it holds, or None when the message does not answer that question:
- `pending=True`: the question was just asked, so a bare answer counts ("Patrick O'Brien",
  "Nowak Logistics, we're a freight company", "a small team of 8").
- `pending=False`: the message may mention it in passing ("my e-mail is ...", "we're 120
  people"); only explicit statements count. Corrections ("change the company to ...") are read
  by bot.forms.engine with each field's words (data/messages/en.yml).
The checks that turn a raw value into a stored one (and their hints) are in bot.sales.fields;
the words every form understands (stop, skip, yes/no, not sure) are in bot.forms.words.
"""

from __future__ import annotations

import re

from bot.forms.words import (  # noqa: F401  (the lead form's readers use them as reading.*)
    MAX_TEXT,
    asks_for_sales,
    clean,
    gives_consent,
    is_command,
    is_request_to_bot,
    looks_like_question,
    read_yes_no,
    reads_not_sure,
    starts_with_yes,
    wants_to_skip,
    wants_to_skip_all,
    wants_to_stop,
)
from bot.sales import buckets, validation
from bot.text import numbers

# ----------------------------------------------------------------------------- a phone instead

_PHONE_WORD = r"(phone|call|ring|number|mobile|cell|telephone)"
_PHONE_INSTEAD = re.compile(
    rf"\b{_PHONE_WORD}\b.*\b(instead|rather|prefer|than e-?mail|only)\b"
    rf"|\b(instead|rather|prefer)\b.*\b{_PHONE_WORD}\b"
    rf"|\b(can|could|may) i (give|leave|send|share) (you )?(a |my )?{_PHONE_WORD}"
    r"|\b(no|don'?t have an?|without( an)?) (work )?e-?mail\b",
    re.I,
)


def offers_phone_instead(text: str | None) -> bool:
    """'can I give a phone instead?', 'I'd rather you call me', 'I don't have a work e-mail'."""
    return bool(_PHONE_INSTEAD.search(clean(text)))


# ----------------------------------------------------------------------------- contact details

_EMAIL_IN_TEXT = re.compile(r"[\w.%+'\-]+@[\w\-]+(?:\.[\w\-]+)+", re.UNICODE)
_SPELLED_EMAIL = re.compile(
    r"^([\w.%+\-]+)\s+(?:at|\[at\]|\(at\))\s+([\w\-]+(?:\s+(?:dot|\.)\s+[\w\-]+)+)$", re.I
)


def read_email(text: str | None, pending: bool = True) -> str | None:
    """The address inside the message ('my email is JAN@ACME.PL', 'sorry, kasia@x.pl')."""
    text = clean(text)
    m = _EMAIL_IN_TEXT.search(text)
    if m:
        return m.group(0).strip(".'-").lower()
    spelled = _SPELLED_EMAIL.match(text) if pending else None
    if spelled:  # "jan at acme dot pl"
        domain = re.sub(r"\s+(?:dot|\.)\s+", ".", spelled.group(2))
        return f"{spelled.group(1)}@{domain}".lower()
    return None


_PHONE_IN_TEXT = re.compile(r"(?:\+|\b00)\d[\d \-().]{6,18}\d")
_LOCAL_PHONE = re.compile(r"^\(?\d[\d \-().]{6,18}\d$")


def read_phone(text: str | None, pending: bool = True) -> str | None:
    """A phone number in the message: with +CC anywhere, or a bare number when asked for."""
    text = clean(text)
    m = _PHONE_IN_TEXT.search(text)
    if m:
        return m.group(0).strip()
    if pending:
        bare = re.sub(
            r"^(it'?s|my (phone |mobile )?number is|call me (on|at)|you can (call|reach) me (on|at)|"
            r"number:?|phone:?|tel:?|mobile:?)\s*",
            "",
            text,
            flags=re.I,
        ).strip(" .")
        if _LOCAL_PHONE.match(bare) and sum(c.isdigit() for c in bare) >= 7:
            return bare
    return None


# ----------------------------------------------------------------------------- name and company

# Words that are not names although they follow "I'm" or "it's" ("I'm interested", "it's fine").
_NOT_NAME = frozenset(
    """a an the and or but not no yes yeah yep ok okay sure fine good great well just also only here
    there this that it its is are am was be been i me my we our you your he she they them his her
    interested looking curious confused new back sorry happy glad ready busy wondering asking trying
    working responsible calling writing from at in on of for with about to by as so very really
    actually maybe hello hi hey thanks thank please name called sir madam what who how
    why where when which company service services managed outsourcing msp it support help email
    mail phone number skip none nothing anonymous private secret stop cancel bye later unknown
    manager director cto ceo cio owner founder boss team staff head engineer developer student
    user customer client visitor guest someone somebody person human bot test once later soon asap now
    today tomorrow perhaps menu back restart reset sales talk speak contact agent operator""".split()
)
_TITLE = re.compile(r"^(dr|mr|ms|mrs|prof)\.?$", re.I)
_NAME_TOKEN = re.compile(r"^[^\W\d_](?:[^\W\d_]|['\-.])*$", re.UNICODE)
_NAME_PREFIX = re.compile(
    r"^(?:(?:hi|hello|hey|sure|ok|okay|yes|yeah|yep|of course|fine|right|well|so|um+|hm+|ah)\b[\s,!.:-]*)*"
    r"(?:my name is|my name'?s|the name is|the name'?s|name is|name:|i am|i'm|im|this is|it is|it'?s|"
    r"call me|you can call me|they call me|i go by|people call me|i'm called|i am called|"
    r"nazywam się|mam na imię|jestem|ich heiße|ich heisse|mein name ist|ich bin|je m'appelle|me llamo)?\s*",
    re.I,
)
_NAME_END = re.compile(
    r"\s*(?:,|;|\(|\s-\s|\s+(?:from|at|with|of|and|here|speaking|but|my|i'm|i am|we|our|email|e-mail)\b|"
    r"(?<!\bdr)(?<!\bmr)(?<!\bms)(?<!\bmrs)(?<!\bprof)[.!?](?:\s|$)).*$",
    re.I,
)


def read_name(text: str | None, pending: bool = True) -> str | None:
    """'Patrick O'Brien', 'my name is Tom Becker', 'sure, it's Marek Nowak', 'Kasia here'."""
    text = whole = clean(text)
    if not text or looks_like_question(text):
        return None
    if not pending:
        m = re.search(r"\b(?:my name is|my name'?s|this is)\s+(.+)", text, re.I)
        if not m:
            return None
        text = m.group(1)
    else:
        text = _NAME_PREFIX.sub("", text, count=1)
    text = _NAME_END.sub("", text).strip(" ,!")
    text = text if re.search(r"\b(dr|mr|ms|mrs|prof)\.$", text, re.I) else text.rstrip(".")
    tokens = text.split()
    if not 1 <= len(tokens) <= 5 or len(text) > 80 or "@" in text:
        return None
    if _TITLE.match(tokens[0]) and len(tokens) == 1:
        return None
    if not all(_NAME_TOKEN.match(t) for t in tokens):
        return None
    if all(t.lower().strip(".") in _NOT_NAME for t in tokens) or tokens[0].lower() in _NOT_NAME:
        return None
    if answers_something_else(text) or _not_an_answer(whole):
        return None  # "talk to sales pls", "restart", "next month" are not names
    return text


_COMPANY_PREFIX = re.compile(
    r"^(?:(?:hi|sure|ok|okay|yes|yeah|of course|well|so)\b[\s,!.:-]*)*"
    r"(?:i work (?:for|at|with)|i'm (?:with|at|from)|i am (?:with|at|from)|we are|we're|were|"
    r"(?:my|our|the) company(?: name)? is(?: called)?|(?:my|our) employer is|company(?: name)?:|"
    r"the company is called|we're called|we are called|it's called|it is called|it's|it is|its|"
    r"(?:it's|we're|i'm) from|from|at|for|with)\s+",
    re.I,
)
_COMPANY_END = re.compile(
    r"(?:,|;|\s-\s|\s+\((?!.*\)$)|\s+(?:and|but|where|which|who)\s+(?:we|i|is|are)\b|"
    r"\s+(?:we're|we are|we do|we have|i'm|i am)\b).*$",
    re.I,
)
_COMPANY_PASSING = re.compile(
    r"\b(?:i work (?:for|at)|(?:my|our) company is(?: called)?|company(?: name)? is|"
    r"we(?:'re| are) called)\s+(.+)",
    re.I,
)


def read_company(text: str | None, pending: bool = True) -> str | None:
    """'Nowak Logistics, we're a freight company', 'I work for Acme', 'we are Fintera sp. z o.o.'."""
    text = whole = clean(text)
    if not text or looks_like_question(text) or "@" in text or wants_to_skip(text) or wants_to_stop(text):
        return None
    if read_company_size(text, pending=False) or reads_not_sure(text) or _not_an_answer(text):
        return None  # "we're 50 people", "no idea", "talk to sales": not a company's name
    if pending:
        text = _COMPANY_PREFIX.sub("", text, count=1)
    else:
        m = _COMPANY_PASSING.search(text)
        if not m:
            return None
        text = m.group(1)
    text = _COMPANY_END.sub("", text).strip(" ,!")
    if text.endswith(".") and not re.search(r"\b(?:[a-z]\.){1,3}$|\b(?:ltd|inc|co|corp|o\.o)\.$", text, re.I):
        text = text[:-1]
    words = text.split()
    if not 1 <= len(words) <= 8 or len(text) > 120 or not re.search(r"[^\W\d_]", text):
        return None
    if (
        words[0].lower() in {"a", "an", "the", "not", "no", "just", "only", "none", "nothing"}
        and len(words) == 1
    ):
        return None
    if answers_something_else(text) or _not_an_answer(whole):
        return None  # what is left after "yes, ..." is "you may contact me": consent, not a company
    return text


# "Maria Rossi, CIO at Vento Srl": a company and a title said with the name
_COMPANY_IN_INTRO = re.compile(
    r"\b(?:from|at|with)\s+((?:[A-Z0-9][\w&.'\-]*)(?:\s+(?:[A-Z0-9&][\w&.'\-]*|sp\.|z|o\.o\.|and|&))*)"
)
_TITLE_IN_INTRO = re.compile(
    r"\b(ceo|cto|cio|cfo|coo|ciso|founder|co-?founder|owner|director|head of \w+|vp|it manager|"
    r"manager|procurement|purchasing|sysadmin|engineer|developer|consultant|student)\b",
    re.I,
)


def read_company_in_intro(text: str | None) -> str | None:
    """The company in a self-introduction: 'Tom Becker from Nowak Logistics', '... at Vento Srl'."""
    m = _COMPANY_IN_INTRO.search(clean(text))
    return read_company(m.group(1), pending=True) if m else None


def read_role_in_intro(text: str | None) -> str | None:
    """The role a job title in a self-introduction implies ('Maria Rossi, CIO at Vento')."""
    text = clean(text)
    return validation.parse_role(text) if _TITLE_IN_INTRO.search(text) else None


# ----------------------------------------------------------------------------- buckets

_PEOPLE = r"(?:people|persons?|employees?|staff|users?|seats?|heads?|fte'?s?|colleagues|workers|members|folks|guys|souls)"
_PEOPLE_NUMBER = re.compile(
    rf"(?:{numbers.NUM}\s*(?:k\b)?\s*(?:-|to|and)\s*)?{numbers.NUM}\s*(?:k\b)?\+?\s*(?:-\s*)?(?:person|people|employee|staff|strong)\b"
    rf"|{numbers.NUM}\s*(?:k\b)?\+?\s+(?:\w+\s+)?{_PEOPLE}\b"
    rf"|\b(?:team|company|firm|business|organi[sz]ation|staff|headcount) of (?:about |around |roughly |approx\.? |~)?{numbers.NUM}"
    rf"|\bwe(?:'re| are) (?:about |around |roughly |approx\.? |~|only |just )?{numbers.NUM}\b(?!\s*(?:%|k\b|eur|euro|usd|years?|months?|servers?|sites?|offices?))",
    re.I,
)


def read_company_size(text: str | None, pending: bool = True) -> str | None:
    """A size bucket: '120', 'about 50 people', 'a small team of 8', 'two hundred', '1k+ staff'."""
    text = clean(text)
    typed = (
        buckets.by_title(buckets.COMPANY_SIZES, text) if pending else None
    )  # a button's words answer only its question
    if typed:
        return typed.value
    if not pending:
        m = _PEOPLE_NUMBER.search(numbers.words_to_digits(text.lower()))
        return validation.parse_company_size(m.group(0)) if m else None
    if reads_money(text) and _SURELY_MONEY.search(text):
        return None  # "5 to 10k a month" is a budget, not 10,000 people (a bare "10k" may be people)
    return validation.parse_company_size(text)


def read_budget(text: str | None, pending: bool = True) -> str | None:
    """A monthly budget bucket from '5k a month', '60 grand a year', '€3,000', 'no idea'."""
    text = clean(text)
    typed = (
        buckets.by_title(buckets.BUDGETS, text) if pending else None
    )  # a button's words answer only its question
    if typed:
        return typed.value
    if not pending and not (_BUDGET_SAID.search(text) or (reads_money(text) and _SURELY_MONEY.search(text))):
        return None  # in passing, only what is surely money ("10k" alone may be people)
    if not _CURRENCY.search(text) and (
        read_company_size(text, pending=False) or (reads_start(text) and not reads_money(text))
    ):
        return None  # "around 2k employees", "from January 2026": not money
    return validation.parse_budget(text)


def read_timeline(text: str | None, pending: bool = True) -> str | None:
    """A start bucket from 'asap', 'next year', 'in Q2', 'in about 6 weeks', 'no rush'."""
    text = clean(text)
    typed = (
        buckets.by_title(buckets.TIMELINES, text) if pending else None
    )  # a button's words answer only its question
    if typed:
        return typed.value
    if not pending and not (_START_SAID.search(text) or reads_start(text)):
        return None
    if reads_money(text):
        return None  # "maybe 5 to 10k a month" is a budget: "a month" is not when to start
    without_money = _without_money(text)
    hedged = validation.parse_timeline(_HEDGE.sub(" ", without_money))
    if hedged not in (None, buckets.NOT_SURE):
        return hedged  # "maybe next month": next month
    value = validation.parse_timeline(without_money)
    if value == buckets.NOT_SURE and without_money != text:
        return None  # "maybe" was about the amount
    return value


# "maybe next month" is next month, not "not sure"
_HEDGE = re.compile(r"\b(maybe|probably|perhaps|possibly|hopefully|ideally|i think|i guess)\b", re.I)


def read_role(text: str | None, pending: bool = True) -> str | None:
    """A role bucket from 'I decide', 'CTO', 'head of IT', 'procurement', 'just researching'."""
    text = clean(text)
    typed = (
        buckets.by_title(buckets.ROLES, text) if pending else None
    )  # a button's words answer only its question
    if typed:
        return typed.value
    if not pending or is_request_to_bot(text) or gives_consent(text) or looks_like_question(text):
        return None  # "which one would you recommend?" asks, it does not answer
    return validation.parse_role(text)


_MODEL_WORDS = (
    (
        re.compile(
            r"\b(not sure|no idea|unsure|don'?t know|dunno|undecided|no preference|either|both|"
            r"a mix|mix of|combination|whatever you (recommend|suggest|think)|you (tell me|decide)|"
            r"(your|you) recommend\w*|advise|depends|help me (choose|decide))\b",
            re.I,
        ),
        buckets.NOT_SURE,
    ),
    (
        re.compile(r"\b(mana?g\w*|msp|subscription|monthly|ongoing|run (it|them) for us)\b", re.I),
        "managed_services",
    ),
    (
        re.compile(
            r"\b(outs\w*rc\w*|body ?leas\w*|staff aug\w*|contractors?|project|one[- ]off|time (and|&) material|"
            r"t&m|fixed price)\b",
            re.I,
        ),
        "it_outsourcing",
    ),
)


def read_model(text: str | None, pending: bool = True) -> str | None:
    """'probably managed', 'outsourcing I guess', 'whatever you recommend' (not sure)."""
    text = clean(text)
    typed = (
        buckets.by_title(buckets.MODELS, text) if pending else None
    )  # a button's words answer only its question
    if typed:
        return typed.value
    if not pending or is_request_to_bot(text) or looks_like_question(text):
        return None  # "is managed cheaper?" asks, it does not answer
    for pattern, value in _MODEL_WORDS:
        if pattern.search(text):
            return value
    return None


# ----------------------------------------------------------------------------- what else it answers

_BUDGET_SAID = re.compile(r"\bbudget\b|€|\$|£|\b(eur|euros?|usd|gbp|pln|zł|chf)\b", re.I)
_START_SAID = re.compile(r"\b(start|begin|kick ?off|go live|launch)\w*\b", re.I)
_CURRENCY = re.compile(r"[€$£]|\b(eur|euros?|usd|dollars?|gbp|pounds?|pln|zł|zl|chf|bucks)\b", re.I)
_PERIOD = (
    r"(?:(?:a|an|per|each|every)\s+(?:month|year|yr|week|quarter|day)|/\s*(?:month|mo|m|year|yr|y|week|wk)\b|"
    r"monthly|annually|yearly|annual|a month|a year|p\.?\s?a\.?(?!\w)|per annum|pcm|p/m)"
)
_MONEY_PHRASE = re.compile(
    rf"(?:[€$£]\s*)?{numbers.NUM}(?:\s*(?:-|–|to|and)\s*(?:[€$£]\s*)?{numbers.NUM})?"
    r"\s*(?:k\b|grand\b|thousand\b|mln\b|million\b|m\b)?"
    r"(?:\s*(?:eur(?:os?)?|usd|dollars?|gbp|pounds?|pln|zł|zl|chf|bucks)\b|\s*[€$£])?"
    rf"(?:\s*{_PERIOD})?",
    re.I,
)
# what only money has: a currency, a period to pay per, "budget", "grand"
_SURELY_MONEY = re.compile(rf"{_CURRENCY.pattern}|{_PERIOD}|\bbudget|\bgrand\b", re.I)
# a money phrase says it is one: a currency, a thousand or a million, a period
_MONEY_MARK = re.compile(
    rf"[€$£]|\d\s*k\b|\b(k|grand|thousand|mln|million|eur\w*|usd|dollars?|gbp|pounds?|pln|zł|zl|chf|bucks)\b|{_PERIOD}",
    re.I,
)
_EMAIL_OR_PHONE = re.compile(r"[\w.%+'\-]+@[\w\-]+(?:\.[\w\-]+)+|\+?\d(?:[\s\-./()]*\d){6,}")
# words that may come with an amount in a message that says nothing else
_MONEY_FILLER = frozenset(
    """maybe about around roughly approx approximately probably perhaps i i'd id think guess say something
    like somewhere ideally max maximum at most up to under over below above less more than least between and
    ca circa let's lets um uh hmm well so ok okay our the a an budget budgets is would be of we we'd we've have
    got can could spend spending do in region range total tops or plus ish it it's its that per month year
    monthly yearly annually week quarter mark max. k grand thousand eur euro euros usd dollars pounds gbp pln
    chf bucks net gross excl incl vat ex for all us""".split()
)


def _money_phrases(text: str) -> list[str]:
    return [
        m.group(0)
        for m in _MONEY_PHRASE.finditer(text)
        if m.group(0).strip() and re.search(r"\d", m.group(0)) and _MONEY_MARK.search(m.group(0))
    ]


def _without_money(text: str) -> str:
    """The message with its amounts of money taken out ("start next month with 5k a month")."""
    for phrase in _money_phrases(text):
        text = text.replace(phrase, " ")
    return " ".join(text.split())


def reads_money(text: str | None) -> bool:
    """The message is an amount of money and little else: 'maybe 5 to 10k a month', 'around 60 grand
    a year', 'our budget is €8,000' (a budget, whichever question is pending)."""
    text = _EMAIL_OR_PHONE.sub(" ", clean(text)).lower()
    if not text or looks_like_question(text) or read_company_size(text, pending=False):
        return False
    phrases = _money_phrases(text)
    if not phrases and not (_BUDGET_SAID.search(text) and re.search(r"\d", text)):
        return False
    if validation.parse_budget(text) in (None, buckets.NOT_SURE):
        return False
    rest = _without_money(text)
    left = [w for w in re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", rest) if w not in _MONEY_FILLER]
    return len(left) <= 2


_WHEN = (
    r"asap|a\.?s\.?a\.?p\.?|right away|straight away|immediately|urgently|as soon as possible|right now|now|"
    r"today|tomorrow|yesterday|(this|next|the coming|coming) (week|month|quarter|year|spring|summer|autumn|fall|winter)|"
    r"((in|within|by|from|after|over) )?(the )?(next |coming )?(about |around |roughly |approx\.? |~)?(a|an|one|two|three|four|five|six|nine|twelve|"
    r"a few|a couple of|couple of|few|several|\d+(\s*(-|to)\s*\d+)?)\s?(days?|weeks?|wks?|months?|mos?|quarters?|"
    r"years?|yrs?)( from now| time)?|"
    r"(in|by|from|early|mid|late|end of|start of|beginning of|around) (q[1-4]|jan\w*|feb\w*|mar\w*|apr\w*|may|"
    r"jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|dec\w*|next year|this year|spring|summer|autumn|fall|winter)"
    r"( \d{4}| next year| this year)?|"
    r"q[1-4]( \d{4}| next year| this year)?|half a year( from now)?|no rush|no hurry|not (any ?time )?soon|"
    r"later this year|end of (the |this )?year|in a year|a year from now"
)
_WHEN_FILLER = (
    r"maybe|probably|perhaps|ideally|hopefully|realistically|likely|about|around|roughly|approximately|"
    r"approx\.?|sometime|some time|somewhere|i think|i guess|i'?d say|we'?d like to start|we want to start|"
    r"we'?d start|we plan to start|we'?re planning to start|we need to start|we need it|we need it by|"
    r"starting|start|begin|beginning|kick ?off|go live|hmm+|um+|ok|okay|so|well|honestly|the plan is|"
    r"target is|our target is|the sooner the better|if possible"
)
_WHEN_TAIL = (
    r"or so|at the latest|latest|or later|or earlier|or sooner|at the earliest|i think|i guess|probably|"
    r"ideally|if possible|hopefully|would be (great|good|ideal|best)|ish|please|pls|thanks"
)
_START_ONLY = re.compile(
    rf"^(?:(?:{_WHEN_FILLER})[\s,]+)*(?:{_WHEN})(?:[\s,]+(?:{_WHEN_TAIL}))*[\s.!]*$",
    re.I,
)


def reads_start(text: str | None) -> bool:
    """The message is a start date and little else: 'asap', 'next quarter', 'in about 6 weeks',
    'from March' (a start, whichever question is pending; a bare "April" or "Summer" may be a name)."""
    text = clean(text)
    return bool(_START_ONLY.match(text)) and validation.parse_timeline(text) not in (None, buckets.NOT_SURE)


def _not_an_answer(text: str) -> bool:
    """The whole message is a request, consent or a start date (the value read from it may look
    fine: "away" in "right away"); an amount said next to a name ("Acme, 5k a month") is no reason
    to refuse the name."""
    return is_request_to_bot(text) or gives_consent(text) or reads_start(text)


def answers_something_else(text: str | None) -> bool:
    """A message that is not a name, a company or a service, whichever of them is asked: a request
    to the assistant, consent, an amount of money or a start date."""
    return is_request_to_bot(text) or gives_consent(text) or reads_money(text) or reads_start(text)


# ----------------------------------------------------------------------------- a described need

_NEED_TOPIC = re.compile(
    r"\b(network\w*|wi-?fi|lan|wan|vpn|servers?|cloud|azure|aws|gcp|microsoft|office ?365|m365|o365|"
    r"google workspace|e-?mails?|mailbox\w*|laptops?|desktops?|pcs?|computers?|printers?|phones?|voip|"
    r"telephony|websites?|web ?sites?|web ?apps?|apps?|applications?|software|systems?|crm|erp|sap|"
    r"databases?|data|storage|security|cyber\w*|firewalls?|antivirus|infrastructure|helpdesk|help desk|"
    r"service ?desk|devices?|endpoints?|accounts?|identity|sso|backups?|kubernetes|docker|devops|java|"
    r"python|\.net|php|react|sharepoint|intranet|portal|e-?commerce|online shop|webshop|integration\w*|"
    r"api|ai|analytics|reporting|dashboards?|migration|licen[cs]\w*|compliance|gdpr|nis2|iso ?27001|"
    r"audit\w*|pentest\w*|penetration|patch\w*|monitoring|hosting|outages?|hardware|it|tech\w*|developers?|devs?|"
    r"engineers?|programmers?|testers?|testing|qa|admins?|sysadmins?)\b",
    re.I,
)
_NEED_VERB = re.compile(
    r"\b(need|needs|want|wants|looking for|require\w*|help (with|us|me)|someone to|somebody to|"
    r"support (for|with|of)|manag\w+|maintain\w*|maintenance|look after|take care of|run(ning)?|host\w*|"
    r"migrat\w*|mov(e|ing)|build\w*|develop\w*|implement\w*|set ?up|install\w*|upgrad\w*|replac\w*|fix\w*|"
    r"repair\w*|secur\w*|protect\w*|monitor\w*|recover\w*|outsourc\w*|hire|hiring)\b",
    re.I,
)
MAX_NEED = 300


def read_need(text: str | None) -> str | None:
    """A need described in words where a service was asked ('our ERP keeps crashing', 'someone to
    look after 30 laptops'): the visitor's words, kept for sales. A name ('Wojciech'), a question,
    a request to the assistant, an amount or a date is not one."""
    text = clean(text)
    if (
        not text
        or len(text) > MAX_NEED
        or "@" in text
        or looks_like_question(text)
        or answers_something_else(text)
        or wants_to_skip(text)
        or wants_to_stop(text)
        or reads_not_sure(text)
        or not re.search(r"[^\W\d_]{2}", text)
    ):
        return None
    topic = _NEED_TOPIC.search(text.replace("IT", "it")) if re.search(r"\bIT\b", text) else None
    topic = topic or _NEED_TOPIC.search(re.sub(r"\bit\b", " ", text))  # "it" the pronoun is no topic
    if topic or (_NEED_VERB.search(text) and len(text.split()) >= 3):
        return text
    return None
