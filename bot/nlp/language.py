"""Which language a message is in, when it is clearly not English.

Visitors from Poland and Germany are likely; the assistant answers in English only, so it
should say so politely (in their language) instead of guessing an intent from a few
recognisable words ("helpdesk", "outsourcing") in a foreign sentence. A short list of each
language's own function words and letters is enough for that, and is predictable: a
message counts as foreign only when it holds at least two of that language's words, or one
word and a letter English never uses, and more of them than English function words.
Names with diacritics ("Wiśniewska") alone are not enough.
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


def detect(text: str | None) -> str | None:
    """ISO 639-1 code of the message's language when it is clearly not English, else None."""
    lowered = (text or "").lower()
    words = _WORD.findall(lowered)
    if not words:
        return None
    english = sum(w in ENGLISH for w in words)
    best, best_score = None, 0
    for code, vocabulary in WORDS.items():
        hits = sum(w in vocabulary for w in words)
        letters = any(ch in LETTERS[code] for ch in lowered)
        if hits >= 2 or (hits >= 1 and letters):
            score = hits + (1 if letters else 0)
            if score > english and score > best_score:
                best, best_score = code, score
    return best
