"""Turn what a visitor typed into clean lead fields.

Pure functions, no database. E-mail and phone checks use email-validator and
phonenumbers; the bucket parsers read free text ("about 50 people", "5k a month",
"next quarter", "I'm the CTO") and return a fixed bucket, or None when they can't tell,
so the form can ask again instead of storing a guess.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import email_validator
import phonenumbers

from bot.forms.words import NOT_SURE_RE
from bot.sales import buckets, sanitize
from bot.text.numbers import NUM, PHONE_RUN_RE, amount, to_float, words_to_digits


class InvalidInput(ValueError):
    """Bad visitor input; str(exc) is a polite hint that can be shown to the visitor."""


class EmailTypo(InvalidInput):
    """An address at a misspelt mail domain; `suggestion` is the address meant."""

    def __init__(self, suggestion: str):
        super().__init__(f"Did you mean {suggestion}? Please type the address again.")
        self.suggestion = suggestion


# ---------------------------------------------------------------- name

MAX_NAME_CHARS = 100
_NAME_PUNCTUATION = frozenset(" .,'’‐-")


def validate_name(text: str | None) -> str:
    """A person's name as stored, or InvalidInput.

    Letters of any script with the marks, spaces and . , ' - that names use, starting
    with a letter: a formula (=HYPERLINK(...)), markup, an address or digits is not a name.
    """
    name = sanitize.plain(text)
    if (
        not 0 < len(name) <= MAX_NAME_CHARS
        or not name[0].isalpha()
        or any(
            not (ch.isalpha() or unicodedata.category(ch).startswith("M") or ch in _NAME_PUNCTUATION)
            for ch in name
        )
    ):
        raise InvalidInput("Sorry, I didn't catch your name. How should our team address you?")
    return name


# ---------------------------------------------------------------- e-mail

# Consumer mailbox providers: an address here says nothing about the visitor's company.
FREE_MAIL_DOMAINS = frozenset(
    """
    gmail.com googlemail.com ymail.com rocketmail.com msn.com live.com passport.com
    proton.me protonmail.com protonmail.ch pm.me icloud.com me.com mac.com
    web.de gmx.de gmx.net gmx.at gmx.ch gmx.com t-online.de freenet.de posteo.de
    mailbox.org wp.pl o2.pl tlen.pl onet.pl onet.eu op.pl poczta.onet.pl vp.pl
    interia.pl interia.eu gazeta.pl mail.com email.com mail.ru inbox.ru list.ru bk.ru
    zoho.com tutanota.com tutanota.de tuta.io fastmail.com hey.com seznam.cz
    libero.it virgilio.it free.fr laposte.net orange.fr wanadoo.fr sfr.fr
    qq.com 163.com 126.com naver.com daum.net
    """.split()
)
# Brands that run the same free service under many country domains (yahoo.co.uk, ...).
FREE_MAIL_BRANDS = frozenset("gmail yahoo outlook hotmail live aol gmx yandex protonmail icloud".split())
# Frequent typos worth a "did you mean" hint.
_DOMAIN_TYPOS = {
    "gmial.com": "gmail.com",
    "gmai.com": "gmail.com",
    "gmail.co": "gmail.com",
    "gamil.com": "gmail.com",
    "gmail.con": "gmail.com",
    "hotmial.com": "hotmail.com",
    "outlok.com": "outlook.com",
    "yahoo.con": "yahoo.com",
    "yaho.com": "yahoo.com",
}


def is_free_mail(domain: str) -> bool:
    domain = domain.lower().strip(".")
    if domain in FREE_MAIL_DOMAINS:
        return True
    labels = domain.split(".")
    # brand.tld or brand.co.tld, never brand.somecompany.com
    return (
        labels[0] in FREE_MAIL_BRANDS
        and 2 <= len(labels) <= 3
        and all(len(label) <= 3 for label in labels[1:])
    )


def validate_email(text: str) -> tuple[str, bool]:
    """Return (normalised lower-case address, is_free_mail) or raise InvalidInput."""
    raw = (text or "").strip().strip("<>").strip()
    if raw.lower().startswith("mailto:"):
        raw = raw[7:]
    if not raw:
        raise InvalidInput("Please type your e-mail address, for example anna@company.com.")
    try:
        info = email_validator.validate_email(raw, check_deliverability=False)
    except email_validator.EmailNotValidError as exc:
        raise InvalidInput(
            f"That doesn't look like a valid e-mail address: {exc} "
            "Could you type it again, for example anna@company.com?"
        ) from None
    email = info.normalized.lower()
    domain = email.rsplit("@", 1)[1]
    if domain in _DOMAIN_TYPOS:
        raise EmailTypo(f"{email.rsplit('@', 1)[0]}@{_DOMAIN_TYPOS[domain]}")
    return email, is_free_mail(domain)


# ---------------------------------------------------------------- phone


def validate_phone(text: str, default_region: str | None = None) -> str:
    """Return the number in E.164 (+4930123456) or raise InvalidInput.

    Without a default_region (ISO code such as "DE", "PL", "GB") the number must
    start with + and a country code.
    """
    raw = (text or "").strip()
    if raw.startswith("00"):  # international prefix used across Europe
        raw = "+" + raw[2:]
    region = default_region.upper() if default_region else None
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise InvalidInput(
            "I couldn't read that phone number. Please include the country code, "
            "for example +44 20 7946 0958."
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput(
            "That phone number doesn't look complete. Please check it and include the "
            "country code, for example +49 30 1234567."
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# ---------------------------------------------------------------- company size

COMPANY_SIZES = buckets.values(buckets.COMPANY_SIZES)
_SIZE_WORDS = [
    (r"\b(just me|myself|solo|freelanc\w*|one[- ]man|self[- ]employed|sole trader)\b", "1-10"),
    (r"\b(enterprise|corporat(e|ion)|multinational|thousands)\b", "1000+"),
    (r"\b(a few hundred|hundreds)\b", "201-1000"),
    (r"\b(tiny|micro|small team|startup|start-up)\b", "1-10"),
    (r"\b(small|sme)\b", "11-50"),
    (r"\b(mid[- ]?(sized?|market)|medium)\b", "51-200"),
]
# numbers that count things other than people ("40 servers", "3 sites", "24/7", "5k EUR")
_NOT_PEOPLE_RE = re.compile(
    rf"{NUM}\s*(?:k\b)?\s*(?:servers?|devices?|machines?|laptops?|pcs?|computers?|workstations?|"
    r"sites?|offices?|locations?|branches|stores?|vms?|tb|gb|%|percent|eur\w*|€|usd|\$|gbp|£|pln|"
    r"days?|weeks?|months?|years?|hours?|h\b)|24\s*/\s*7|24x7|[€$£]\s*" + NUM,
    re.IGNORECASE,
)


def parse_company_size(text: str) -> str | None:
    """'about 50 people' -> '11-50', '50-200' -> '51-200', 'we have 120 staff' -> '51-200'."""
    t = (text or "").strip().lower()
    if t in COMPANY_SIZES:
        return t
    t = _NOT_PEOPLE_RE.sub(" ", PHONE_RUN_RE.sub(" ", t))
    n = amount(t)
    if n is not None and n >= 1:
        for upper, bucket in ((10, "1-10"), (50, "11-50"), (200, "51-200"), (1000, "201-1000")):
            if n <= upper:
                return bucket
        return "1000+"
    for pattern, bucket in _SIZE_WORDS:
        if re.search(pattern, t):
            return bucket
    return None


# ---------------------------------------------------------------- budget

# Monthly spend; yearly or weekly figures are converted, no period means per month.
BUDGETS = buckets.values(buckets.BUDGETS)


_MONEY_RE = re.compile(
    r"[€$£]|\b(eur\w*|usd|dollars?|gbp|pounds?|pln|zł|zl|chf|k|grand|thousand|m|mln|million)\b" r"|\d\s*k\b",
    re.IGNORECASE,
)


def parse_budget(text: str) -> str | None:
    """'5k a month' -> '5k-15k/month', '120k per year' -> '5k-15k/month', 'not sure' -> 'not sure'."""
    t = (text or "").strip().lower()
    if t in BUDGETS:
        return t
    money = amount(PHONE_RUN_RE.sub(" ", t))
    if money is None or money <= 0:
        return buckets.NOT_SURE if NOT_SURE_RE.search(t) else None
    if money < 1000 and not _MONEY_RE.search(t):
        return None  # "about 230": no IT budget that small comes without a currency or a "k"
    if re.search(r"\b(year|yr|annual\w*|p\.?a\.?|per annum)\b", t):
        money /= 12
    elif re.search(r"\b(quarter\w*)\b", t):
        money /= 3
    elif re.search(r"\b(week\w*|wk)\b", t):
        money *= 4.33
    elif re.search(r"\b(day|daily)\b", t):
        money *= 21
    elif re.search(r"\b(hour\w*|hr|/h)\b", t):
        money *= 160
    if money < 5_000:
        return "under 5k/month"
    if money < 15_000:
        return "5k-15k/month"
    if money < 50_000:
        return "15k-50k/month"
    return "50k+/month"


# ---------------------------------------------------------------- timeline

TIMELINES = buckets.values(buckets.TIMELINES)
_TIMELINE_WORDS = [
    # "now" alone counts only as the answer itself ("now", "right now"), not inside a sentence
    # ("we pay 4000 a month now for our current provider")
    (r"^now\b|\bright now\b|\b(start|begin)\w* now\b", "now/within 1 month"),
    (
        r"\b(asap|a\.s\.a\.p|right away|immediately|urgent\w*|yesterday|today|"
        r"tomorrow|this week|next week|this month|within a month|in a month|"
        r"(in|within) (a|one|1) month|soon as possible|as soon as)\b",
        "now/within 1 month",
    ),
    (
        r"\b(next month|next quarter|this quarter|in a quarter|coming months|"
        r"couple of months|few months|soon|shortly)\b",
        "1-3 months",
    ),
    (
        r"\b(half a year|half year|six months|later this year|"
        r"summer|autumn|fall|h2|mid[- ]next year|spring)\b",
        "3-6 months",
    ),
    (
        r"\b(next year|in a year|a year|long term|long-term|someday|eventually|later|"
        r"not (any ?time )?soon|no rush|no hurry)\b",
        "6+ months",
    ),
]
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_RE = re.compile(
    r"\b(?:in|by|from|early|mid|late|end of|start of|beginning of|around)?\s*"
    r"(jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|\b(?:in|by|from) may\b"
)
_QUARTER_RE = re.compile(r"\bq([1-4])\b")


def _months(text: str) -> float | None:
    """A duration in months from '2 weeks', '3-6 months', 'in 1 year'."""
    m = re.search(
        rf"(?:{NUM}\s*(?:-|–|to)\s*)?({NUM})\+?\s*(day|week|wk|month|mo|year|yr)s?\b",
        text,
    )
    if not m:
        return None
    n = to_float(m.group(1))
    unit = m.group(2)
    factor = {"day": 1 / 30, "week": 1 / 4.33, "wk": 1 / 4.33, "month": 1, "mo": 1, "year": 12, "yr": 12}[
        unit
    ]
    months = n * factor
    return months + 0.5 if "+" in m.group(0) else months


def _months_until(text: str, today: date) -> float | None:
    """Months from today until a named quarter ('in Q2') or month ('from March')."""
    quarter = _QUARTER_RE.search(text)
    month_match = _MONTH_RE.search(text)
    if re.search(r"\b(early|beginning of|start of|first thing) next year\b", text):
        return float(13 - today.month)
    if re.search(r"\b(end of (the |this )?year|year[- ]end|later this year|this year)\b", text):
        return float(12 - today.month)
    if quarter:
        start = (int(quarter.group(1)) - 1) * 3 + 1
    elif month_match:
        name = (month_match.group(1) or "may")[:3]
        start = _MONTHS.index(name) + 1
    else:
        return None
    ahead = (start - today.month) % 12
    if quarter and ahead > 9:  # "in Q4" said in November: this quarter
        ahead = 0
    if re.search(r"\bnext year\b", text) and ahead == 0:
        ahead = 12
    return float(ahead)


def _timeline_bucket(months: float) -> str:
    if months <= 1:
        return "now/within 1 month"
    if months <= 3:
        return "1-3 months"
    if months <= 6:
        return "3-6 months"
    return "6+ months"


def parse_timeline(text: str, today: date | None = None) -> str | None:
    """'asap' -> 'now/within 1 month', 'next quarter' -> '1-3 months', 'in Q2' -> from today's date."""
    t = words_to_digits((text or "").strip().lower())
    if t in TIMELINES:
        return t
    months = _months(t)
    if months is None:
        months = _months_until(t, today or date.today())
    if months is not None:
        return _timeline_bucket(months)
    if NOT_SURE_RE.search(t) and not re.search(r"\b(no rush|no hurry)\b", t):
        return buckets.NOT_SURE
    for pattern, bucket in _TIMELINE_WORDS:
        if re.search(pattern, t):
            return bucket
    return None


# ---------------------------------------------------------------- role

ROLES = buckets.values(buckets.ROLES)
# Who is clearly not buying (checked first) and who is only looking (checked after titles).
_STUDENT_RE = re.compile(r"\b(student|thesis|homework|course|journalist|writing an? (article|paper|essay))\b")
_RESEARCHING_RE = re.compile(
    r"\b(research\w*|just (looking|curious|browsing|exploring|reading)|curious|learning|"
    r"exploring|gathering (info\w*|options)|comparing options|window shopping)\b"
)
_NOT_DECIDER_RE = re.compile(
    r"(\bnot\b|n't\b|\bno\b)[^.]{0,20}\b(decision|decide|decider|sign|in charge|the boss|budget)"
)
# someone else decides: "I report to the CIO", "for my boss"
_SUBORDINATE_RE = re.compile(
    r"\b(report(ing)? to|on behalf of|for (my|our) (boss|manager|director|cto|ceo|cio|head)|"
    r"my (boss|manager|director|cto|ceo|cio) (decides|signs|approves|will decide))\b"
)
_DECIDER_RE = re.compile(
    r"\b(ceo|cto|cio|cfo|coo|ciso|cdo|chief|founder|co-?founder|owner|proprietor|"
    r"director|head of|vp|vice president|president|managing partner|partner|"
    r"general manager|board|decision[- ]maker|i decide|i make the (decision|call)|"
    r"my (decision|call)|i sign|i approve|budget holder|the boss|i run|i own|"
    r"final (say|word|decision)|i'?m the one who decides|i have the budget|"
    r"gesch(ä|ae)ftsf(ü|ue)hrer|prezes|dyrektor)\b"
)
_INFLUENCER_RE = re.compile(
    r"\b(manager|lead|team ?lead|engineer|architect|admin\w*|developer|dev|devops|"
    r"analyst|consultant|specialist|coordinator|procurement|purchasing|buyer|"
    r"assistant|employee|staff|member|recommend\w*|evaluat\w*|shortlist\w*|advis\w*|"
    r"my (boss|manager|team)|report to|on behalf|for (my|our) (boss|manager|cto|ceo)|"
    r"it guy|sysadmin|project|part of the (team|committee)|involved|influence\w*)\b"
)


def parse_role(text: str) -> str | None:
    """'I'm the CTO' -> 'decision maker', 'IT manager' -> 'influencer', 'student' -> 'researching'."""
    t = (text or "").strip().lower().replace("’", "'")
    if t in ROLES:
        return t
    if _STUDENT_RE.search(t):
        return "researching"
    if _NOT_DECIDER_RE.search(t) or _SUBORDINATE_RE.search(t):
        return "influencer"
    if _DECIDER_RE.search(t):
        return "decision maker"
    if _RESEARCHING_RE.search(t):
        return "researching"
    if _INFLUENCER_RE.search(t):
        return "influencer"
    return None
