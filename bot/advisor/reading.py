"""Read what visitors type to the advisor's questions: the answer in their words.

Pure functions, no Rasa, no database. Each `read_<question>` returns one of the question's
option values (data/advisor_rules.yml), NOT_SURE, or None when the message does not answer it:
- `pending=True`: the question was just asked, so a bare answer counts ("24/7", "a few months").
- `pending=False`: the message may say it in passing, before the advisor asked ("our one admin is
  drowning in patching", "we have no IT department"); only clear statements count.
The systems question is matched against the catalogue by bot.advisor.form.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from bot.advisor.rules import Rules
from bot.forms import words
from bot.forms.turns import NOT_SURE
from bot.text import numbers

Reader = Callable[[str, bool], "str | None"]


def _first(patterns: tuple[tuple[re.Pattern[str], str], ...], text: str) -> str | None:
    for pattern, value in patterns:
        if pattern.search(text):
            return value
    return None


def by_title(rules: Rules, slot: str, text: str) -> str | None:
    """The option whose value or button title the visitor typed (any case)."""
    typed = " ".join(text.lower().split()).strip(" .!")
    for option in rules.questions[slot].options.values():
        if typed in (option.value.replace("_", " "), option.value, option.title.lower()):
            return option.value
    return None


def _not_sure(text: str) -> bool:
    return words.reads_not_sure(text) or bool(
        re.search(
            r"\b(no preference|either|whatever|any of them|" r"doesn'?t matter|don'?t mind|you tell me)\b",
            text,
            re.I,
        )
    )


# ----------------------------------------------------------------------------- the kind of work

_RUN = re.compile(
    r"\b(run|running|runs|operat\w*|maintain\w*|maintenance|look(ing)? after|keep\w* (it|them|things|\w+) "
    r"(running|up|alive|working|safe|patched)|manag(e|ing) (it|them|our|the)|day[- ]to[- ]day|ongoing|"
    r"continuous\w*|patch\w*|monitor\w*|support (our|the) (users|staff|people)|user support|helpdesk|"
    r"help desk|service desk|24/7|around the clock|take (it )?over|drowning|firefighting|"
    r"keep the lights on)\b",
    re.I,
)
_BUILD = re.compile(
    r"\b(build\w*|built|develop\w*|create|creating|"
    r"new( \w+)? (app|application|system|website|site|portal|platform|shop|tool|crm|erp|product|service)|"
    r"migrat\w*|move (us |everything )?to|implement\w*|roll ?out|set ?up|setting up|"
    r"one[- ]off|one[- ]time|once|a project|the project|project work|upgrade|replace|redesign|rewrite|"
    r"audit|test campaign|change something|integrat\w*)\b",
    re.I,
)
_SPECIALISTS = re.compile(
    r"\b(specialists?|experts?|engineers?|developers?|devs|testers?|architects?|admins?|people|hands|"
    r"head ?count|staff augmentation|augment\w*|body ?leas\w*|outstaff\w*|contractors?|freelancers?|"
    r"reinforce\w*|extra capacity|more capacity|hire|hiring)\b",
    re.I,
)
_IN_OUR_TEAM = re.compile(
    r"\b(our (own )?(\w+ )?(team|squad|devs|developers|department|people)|join (us|our|the team)|in[- ]house|"
    r"inside|embedded|under our|alongside|work with our|extend (our|the) team|team extension|extra|more)\b",
    re.I,
)
_BOTH = re.compile(
    r"\b(both|all of (it|that|them)|a bit of (each|everything)|mix|combination|and also)\b", re.I
)


def read_work(text: str | None, pending: bool = True) -> str | None:
    """'keep our servers running' (run), 'a new customer portal' (build), '2 devs to join our team'
    (specialists), 'run our servers and build an app' (run_build)."""
    text = words.clean(text)
    run = bool(_RUN.search(text))
    build = bool(_BUILD.search(text))
    people = bool(_SPECIALISTS.search(text))
    in_team = bool(_IN_OUR_TEAM.search(text))
    if people and (in_team or (pending and not build and not run)):
        return "run_specialists" if run else "specialists"
    if run and build:
        return "run_build"
    if run:
        return "run"
    if build:
        return "build"
    if pending and _BOTH.search(text):
        return "run_build"
    if pending and _not_sure(text):
        return NOT_SURE
    return None


# ----------------------------------------------------------------------------- in-house capacity

_NO_STAFF = re.compile(
    r"\b(no(body| one|ne)?( in[- ]house)?( it)? (staff|people|team|department|guys?|person|admin)|"
    r"no it\b|nobody|no one|zero|don'?t have (an? |any )?(it|admin|tech)|haven'?t got (an? |any )?it|"
    r"not a single|none|we don'?t have anyone|just me|only me|the (office manager|owner|ceo|receptionist) "
    r"(does|handles|looks after)|outsourced already)\b",
    re.I,
)
_STRETCHED = re.compile(
    r"\b(stretched|overloaded|overworked|drowning|swamped|understaffed|firefighting|"
    r"part[- ]time|barely)\b",
    re.I,
)
_FEW = re.compile(
    r"\b(one|two|1|2|a|an|single|one or two|a couple( of)?|small|tiny|lone|solo|junior)\b.{0,30}"
    r"\b(guy|guys|person|people|admins?|engineers?|it|technicians?|sysadmins?|team|department|techie)\b",
    re.I,
)
_TEAM = re.compile(
    r"\b(solid|strong|capable|experienced|big|large|good|full|whole|proper|own)\b.{0,15}"
    r"\b(team|department|it|devs|developers|engineers)\b|\b(it department|it team|dev team|"
    r"we have (an|our own) it)\b",  # counts ("12 engineers") are read before this
    re.I,
)


def read_capacity(text: str | None, pending: bool = True) -> str | None:
    """'nobody, the office manager does it' (none), 'one overloaded admin' (some), 'a team of 8' (team)."""
    text = words.clean(text)
    lowered = numbers.words_to_digits(text.lower())
    if not pending and not re.search(
        r"\b(it|admin\w*|team|department|staff|engineers?|sysadmin|" r"developers?|techie|in[- ]house)\b",
        lowered,
    ):
        return None
    if _NO_STAFF.search(lowered) or re.match(r"^(no|nope|0)\b", lowered) and pending:
        return "none"
    # "120 people" said in passing is the company, not its IT: only IT words count then
    people = r"people|persons|staff|guys|" if pending else r"(?:it|in[- ]house|tech) (?:people|staff|guys)|"
    count = re.search(
        rf"\b(\d{{1,4}})\s*(?:full[- ]time )?(?:{people}engineers|it engineers|admins?|developers|devs|"
        r"techs?|technicians|sysadmins?)\b"
        r"|\b(?:it team|it department|dev team|team|department)(?: of| with)? (?:about |around )?(\d{1,4})\b",
        lowered,
    )
    if count and not pending and not count.group(0).startswith(("it ", "dev ")) and count.group(2):
        count = None  # "a team of 40" in passing may be the whole company
    if count:
        return "team" if int(count.group(1) or count.group(2)) >= 3 else "some"
    if _STRETCHED.search(lowered):
        return "some"
    if _TEAM.search(lowered):
        return "team"
    if _FEW.search(lowered):
        return "some"
    if pending:
        bare = re.fullmatch(r"\D*(\d{1,4})\D*", lowered)
        if bare:
            n = int(bare.group(1))
            return "none" if n == 0 else "some" if n < 3 else "team"
        if re.match(r"^(yes|yeah|yep|we do|sure)\b", lowered):
            return "team"
        if _not_sure(lowered):
            return NOT_SURE
    return None


# ----------------------------------------------------------------------------- monitoring, patching, 24/7

_ROUND_THE_CLOCK = re.compile(
    r"24\s*/\s*7|24x7|24 ?h\b|\b(round|around) the clock|\b(nights?|weekends?|out of hours|after hours|"
    r"always[- ]on|always available|every hour|any time|anytime|downtime (is|costs)|can'?t (go|be) down|"
    r"mission[- ]critical|critical|on[- ]call|follow the sun)\b",
    re.I,
)
_OFFICE_HOURS = re.compile(
    r"\b(office hours|business hours|working hours|work hours|during the day|daytime|weekdays|mon(day)?"
    r"[- ]fri(day)?|9 ?(to|-) ?5|8 ?(to|-) ?6|not 24/7|not round the clock|not at night)\b",
    re.I,
)
_NO_OPS = re.compile(
    r"\b(we (handle|do|cover|manage) (that|it|this|monitoring|patching)|our (own )?(team|people|admin|staff) "
    r"(handles?|does|do|covers?)|already (covered|handled|sorted|monitored)|handled in[- ]house|not needed|"
    r"no need|don'?t need (it|that|monitoring|any)|not required|not really|not for this|nothing to run|"
    r"no monitoring)\b",
    re.I,
)
_YES_OPS = re.compile(
    r"^(yes|yeah|yep|yup|sure|definitely|absolutely|of course|please|we do|we need (it|that)|"
    r"that'?s (it|exactly))\b"
    r"|\b(monitor\w*|patch\w*|updates?|keep (it|them) (patched|updated|secure)|watch\w*|alerts?|"
    r"proactive\w*)\b",
    re.I,
)


def read_operations(text: str | None, pending: bool = True) -> str | None:
    """'24/7, we run a webshop' (round the clock), 'office hours is fine' (office hours),
    'no, our admin does that' (none), 'yes please, patching is killing us' (office hours)."""
    text = words.clean(text)
    if _NO_OPS.search(text) or (pending and re.match(r"^(no|nope|nah|not really)\b", text, re.I)):
        return "none"
    if _OFFICE_HOURS.search(text):
        return "office_hours"
    if _ROUND_THE_CLOCK.search(text):
        if not pending and not re.search(
            r"\b(monitor\w*|support|response|respond|cover\w*|patch\w*|" r"available|watch\w*|need|uptime)\b",
            text,
            re.I,
        ):
            return None
        return "round_the_clock"
    if _YES_OPS.search(text) and (
        pending
        or re.search(
            r"\b(drowning|swamped|behind|struggl\w*|no time|" r"overwhelmed|buried)\b",
            text,
            re.I,
        )
    ):
        return "office_hours"
    if pending and _not_sure(text):
        return NOT_SURE
    return None


# ----------------------------------------------------------------------------- how they want to pay

_MONTHLY = re.compile(
    r"\b(monthly|per month|a month|each month|every month|subscription|flat( fee| rate)?|"
    r"fixed (fee|cost|price "
    r"per month|monthly)|predictab\w*|same (amount|price|cost) every|budget certainty|no surprises|"
    r"opex|retainer|all[- ]in(clusive)?)\b",
    re.I,
)
_PROJECT = re.compile(
    r"\b(per project|by project|project (price|fee|basis|budget)|fixed[- ]price|one price|lump sum|"
    r"pay once|one[- ]off (fee|price|payment|cost)|quote for the (project|whole thing)|fixed quote|capex|"
    r"fixed budget for the (project|work))\b",
    re.I,
)
_DAILY = re.compile(
    r"\b(per day|a day|daily|day rates?|per hour|hourly|by the hour|time (and|&) materials?|t ?& ?m|"
    r"pay as (we|you) go|pay for (what|the time) we use|only for (what|the time) we use|per specialist|"
    r"per developer|flexib\w*|usage[- ]based)\b",
    re.I,
)


def read_billing(text: str | None, pending: bool = True) -> str | None:
    """'a flat monthly fee, no surprises' (monthly), 'fixed price for the project' (project),
    'day rates are fine' (daily)."""
    text = words.clean(text)
    if not pending and not re.search(
        r"\b(pay|paying|bill\w*|price|cost|fee|budget|rate|invoice\w*|" r"predictab\w*)\b",
        text,
        re.I,
    ):
        return None
    found = _first(((_PROJECT, "project"), (_DAILY, "daily"), (_MONTHLY, "monthly")), text)
    if found:
        return found
    if pending and _not_sure(text):
        return NOT_SURE
    return None


# ----------------------------------------------------------------------------- duration and relationship

_ONGOING = re.compile(
    r"\b(long[- ]term|ongoing|indefinite\w*|permanent\w*|for good|years|multi[- ]year|partner\w*|"
    r"open[- ]ended|no end date|as long as|continuous\w*|forever|for the foreseeable future)\b",
    re.I,
)
_MONTHS = re.compile(
    r"\b(a few months|some months|several months|a couple of months|half a year|"
    r"until (it'?s|the project is) (done|finished|live)|a quarter|medium[- ]term)\b",
    re.I,
)
_ONE_OFF = re.compile(
    r"\b(one[- ]off|one[- ]time|once|a few weeks|couple of weeks|short[- ]term|short|quick|just this|"
    r"a sprint|a week|days|weeks)\b",
    re.I,
)


def read_duration(text: str | None, pending: bool = True) -> str | None:
    """'for years, we want a partner' (ongoing), 'about 6 months' (months), 'two weeks' (one-off)."""
    text = words.clean(text)
    lowered = numbers.words_to_digits(text.lower())
    span = re.search(r"(\d+(?:[.,]\d+)?)\s*\+?\s*(day|week|wk|month|mo|year|yr)s?\b", lowered)
    if span:
        n = float(span.group(1).replace(",", "."))
        months = (
            n
            * {"day": 1 / 30, "week": 1 / 4.33, "wk": 1 / 4.33, "month": 1, "mo": 1, "year": 12, "yr": 12}[
                span.group(2)
            ]
        )
        if not pending and not re.search(
            r"\b(for|about|around|roughly|need|takes?|last\w*|contract|" r"engagement|project)\b",
            lowered,
        ):
            return None
        return "one_off" if months < 2 else "months" if months < 12 else "ongoing"
    if re.search(r"\b(a|one) year\b|\ba year or (two|more)\b", lowered):
        return "ongoing"
    if not pending and not re.search(
        r"\b(relationship|partner\w*|long[- ]term|short[- ]term|one[- ]off|"
        r"ongoing|engagement|contract)\b",
        lowered,
    ):
        return None
    found = _first(((_ONGOING, "ongoing"), (_MONTHS, "months"), (_ONE_OFF, "one_off")), text.lower())
    if found:
        return found
    if pending and _not_sure(lowered):
        return NOT_SURE
    return None


READERS: Mapping[str, Reader] = {
    "advice_work": read_work,
    "advice_capacity": read_capacity,
    "advice_operations": read_operations,
    "advice_billing": read_billing,
    "advice_duration": read_duration,
}


def read(rules: Rules, slot: str, text: str | None, pending: bool = True) -> str | None:
    """The answer to `slot` in the message: a typed button title first, then the words."""
    cleaned = words.clean(text)
    if not cleaned:
        return None
    titled = by_title(rules, slot, cleaned)
    if titled:
        return titled
    return READERS[slot](cleaned, pending)
