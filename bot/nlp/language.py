"""Which language a message is in, when it is clearly not English.

Visitors from Poland and Germany are likely; the assistant answers in English only, so it
should say so politely (in their language) instead of guessing an intent from a few
recognisable words ("helpdesk", "outsourcing") in a foreign sentence. A short list of each
language's own function words and letters is enough for that, and is predictable: a
message counts as foreign only when it holds at least two of that language's words, or one
word and a letter English never uses, and more of them than English function words.
Names with diacritics ("Wiśniewska") alone are not enough, and a message shaped like a name
("Łukasz Nowak", "Pani Wiśniewska") or a company ("Żabka Sp. z o.o.", "Müller GmbH") is never
foreign. `notice` is what the assistant acts on: a single word ("dziękuję", "Wojciech") never
gets the "I only answer in English" notice, whatever its language.
"""

from __future__ import annotations

import re

# Common words of each language that are not also English words.
WORDS: dict[str, frozenset[str]] = {
    "pl": frozenset(
        """
        czy jest się nie jak ile dla mogę proszę dzień dobry oferujecie jaka jaki jakie kosztuje
        potrzebujemy potrzebuję chciałbym chciałabym chcemy dziękuję dzięki cześć witam mówicie
        pan pani państwo firma firmy usługi usług czym różni oraz lub też jestem mamy macie
        możecie kontakt który która które jeśli albo tylko bardzo gdzie kiedy dlaczego
        programistów cena miesiąc zarządzane zarządzanych kopia zapasowa porozmawiać handlowcem
        polsku pomoc pomóc nasz nasza nasze naszej wasze waszej""".split()
    ),
    "de": frozenset(
        """
        ich sie wir und der das ist nicht wie mit für haben bieten können möchte brauchen guten
        tag danke vielen bitte sprechen deutsch kostet unterschied zwischen hallo ein eine einen
        auf uns mich zurückrufen unser unsere unseren gibt es wo wann warum welche welcher
        preis monat hilfe frage eine dienstleistungen datensicherung angebot kosten auch oder
        aber noch schon sehr gerne""".split()
    )
    - frozenset({"es"}),
    "fr": frozenset(
        """
        je vous est les des une pour bonjour quels quelle quel proposez merci avec nous combien
        coûte est-ce pouvez voudrais besoin mon notre votre aussi très""".split()
    ),
    "es": frozenset(
        """
        hola cuánto cuanto cuesta los las usted ustedes gracias por favor qué necesitamos
        tienen ofrecen servicio servicios quiero hablar también muy""".split()
    ),
}
LETTERS: dict[str, str] = {"pl": "ąćęłńśźż", "de": "äöüß", "fr": "àâçèêëîïôûœ", "es": "ñ¿¡"}
ENGLISH = frozenset(
    """
    the a an and or is are was were do does did you your we our i my me it this that what which
    how why when where who can could would should will have has of to in on for with about from
    please hi hello thanks""".split()
)
NAMES = {"pl": "Polish", "de": "German", "fr": "French", "es": "Spanish"}
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)?")
# legal forms that end a company's name
_COMPANY_FORM = re.compile(
    r"(?<!\w)(sp\.?\s*z\s*o\.?\s*o\.?|sp\.?\s*[jkp]\.?|s\.?\s*a\.?|s\.?\s*c\.?|spółka|gmbh|ag|kg|ohg|ug|e\.?\s*k\.?|"
    r"e\.?\s*v\.?|ltd\.?|llc|inc\.?|plc|s\.?\s*r\.?\s*o\.?|s\.?\s*r\.?\s*l\.?|sarl|sas|s\.?\s*l\.?|s\.?\s*p\.?\s*a\.?|bv|nv|oy|ab|as|"
    r"kft|zrt|d\.?\s*o\.?\s*o\.?|co\.?)[\s.]*$",
    re.I,
)
_NAME_TOKEN = re.compile(r"^[^\W\d_][^\W\d_'.\-]*(?:['.\-][^\W\d_]+)*\.?$")
MAX_NAME_WORDS = 4
MAX_COMPANY_WORDS = 6


def looks_like_company(text: str | None) -> bool:
    """'Żabka Sp. z o.o.', 'Müller GmbH': a few words with a legal form."""
    text = " ".join((text or "").split()).strip(" .!")
    tokens = text.split()
    return (
        0 < len(tokens) <= MAX_COMPANY_WORDS
        and not any(ch in text for ch in "?!;")
        and bool(_COMPANY_FORM.search(text))
    )


def looks_like_name(text: str | None) -> bool:
    """'Łukasz Nowak', 'Pani Wiśniewska', 'Wojciech': a few capitalised words, no sentence."""
    text = " ".join((text or "").split()).strip(" .!")
    tokens = text.split()
    if not tokens or len(tokens) > MAX_NAME_WORDS or any(ch in text for ch in "?!,;:"):
        return False
    return all(t[0].isupper() and _NAME_TOKEN.match(t) for t in tokens)


def detect(text: str | None) -> str | None:
    """ISO 639-1 code of the message's language when it is clearly not English, else None
    (None also for a name or a company, whatever letters it has)."""
    lowered = (text or "").lower()
    words = _WORD.findall(lowered)
    if not words or looks_like_company(text):
        return None
    english = sum(w in ENGLISH for w in words)
    # a name may hold one word of a language ("Pani Wiśniewska"); two are a phrase ("Dzień Dobry")
    name = looks_like_name(text)
    best, best_score = None, 0
    for code, vocabulary in WORDS.items():
        hits = sum(w in vocabulary for w in words)
        if name and hits < 2:
            continue
        letters = any(ch in LETTERS[code] for ch in lowered)
        if hits >= 2 or (hits >= 1 and letters):
            score = hits + (1 if letters else 0)
            if score > english and score > best_score:
                best, best_score = code, score
    return best


def notice(text: str | None) -> str | None:
    """The language to answer "I only answer in English" in, or None: a message of one word (a
    name, a greeting, a loan word) never gets the notice, nor does a name or a company."""
    if len(_WORD.findall((text or "").lower())) < 2:
        return None
    return detect(text)
