"""Numbers in what visitors type: "fifty people", "5-10k", "2,500.50", "over 1000".

Pure functions, no Rasa: the lead form's size and budget parsers (bot.sales.validation), the
advisor's readers, the catalogue's terms and the pricing requests read amounts with them.
"""

from __future__ import annotations

import re

_WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "a dozen": 12,
    "a couple of": 2,
    "a couple": 2,
    "a few": 3,
    "several": 5,
    "a hundred": 100,
    "hundred": 100,
    "a thousand": 1000,
    "thousand": 1000,
    "a half": 0.5,
    "half a": 0.5,
    "a": 1,
    "an": 1,
}
MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "grand": 1e3, "m": 1e6, "mln": 1e6, "million": 1e6, "hundred": 100}
NUM = r"(?:\d{1,3}(?:[ \u00a0]\d{3})+(?![\d.,])|\d+(?:[.,]\d+)*)"  # "100 000" or "2,500.50"
_NUMBER_RE = re.compile(
    rf"(?P<num>{NUM})\s*(?P<mult>k|m|mln|thousand|grand|million|hundred)?\b",
    re.IGNORECASE,
)
_RANGE_RE = re.compile(rf"({NUM})\s*(k|m)?\s*(?:-|–|to|and)\s*({NUM})", re.IGNORECASE)
_MORE_RE = re.compile(r"\b(over|more than|above|at least|\+|plus)\b|\d\s*\+", re.IGNORECASE)
_LESS_RE = re.compile(r"\b(under|less than|below|up to|fewer than|max(imum)?)\b", re.IGNORECASE)
# 7+ digits in one run (spaces and dashes allowed): a phone number, never an amount or a size
PHONE_RUN_RE = re.compile(r"\+?\d(?:[\s\-./()]*\d){6,}")


def to_float(num: str) -> float:
    # "2,500", "2.500" and "2 500" are thousands; "2.5" and "2,5" are decimals;
    # with both marks ("2,500.50", "2.500,50") the last one is the decimal point.
    num = re.sub(r"[ \u00a0]", "", num)
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", num):
        return float(re.sub(r"[.,]", "", num))
    last = max(num.rfind("."), num.rfind(","))
    if last < 0:
        return float(num)
    whole = re.sub(r"[.,]", "", num[:last])
    return float(f"{whole}.{num[last + 1:]}")


def words_to_digits(text: str) -> str:
    """'fifty people' -> '50 people' so one regex reads both."""
    for word in sorted(_WORD_NUMBERS, key=len, reverse=True):
        if word in ("a", "an", "hundred", "thousand"):
            continue  # only meaningful next to a number; handled as multipliers
        text = re.sub(rf"\b{word}\b", str(_WORD_NUMBERS[word]), text)
    text = re.sub(r"\b(a|an|one)\s+(hundred|thousand|million)\b", r"1 \2", text)
    return text


def numbers(text: str) -> list[float]:
    """All amounts in the text, with k/thousand/million applied."""
    values = []
    for m in _NUMBER_RE.finditer(text):
        value = to_float(m.group("num"))
        mult = (m.group("mult") or "").lower()
        values.append(value * MULTIPLIERS.get(mult, 1))
    return values


def amount(text: str) -> float | None:
    """One representative amount: the upper end of a range, else the largest number.

    "over 1000" becomes 1001 and "under 10" becomes 9.99 so the edges land in the
    bucket the visitor meant.
    """
    text = words_to_digits(text.lower())
    rng = _RANGE_RE.search(text)
    if rng:
        upper_mult = MULTIPLIERS.get((rng.group(2) or "").lower(), 1)
        # "5-10k": the k after the second number applies to both
        tail = _NUMBER_RE.match(text, rng.start(3))
        values = numbers(tail.group(0)) if tail else [to_float(rng.group(3)) * upper_mult]
        value = values[0] if values else None
    else:
        nums = numbers(text)
        value = max(nums) if nums else None
    if value is None:
        return None
    if _MORE_RE.search(text):
        value += 1
    elif _LESS_RE.search(text):
        value -= 0.01
    return value
