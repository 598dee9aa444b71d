"""Keep e-mail addresses and phone numbers out of logs.

redact(text) masks them; RedactingFilter applies it to log records; install() hooks it
into every record the process creates, so handlers that Rasa or the SDK configure
later are covered too. Names can't be found by a regex: pass known values as `extra`.
"""
from __future__ import annotations

import logging
import re
from typing import Iterable

EMAIL_MASK = "<email>"
PHONE_MASK = "<phone>"

_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# A run of digits with the separators people type in phone numbers; not part of a
# word, a decimal or a dashed id (UUID segments).
_PHONE_RE = re.compile(r"(?<![\w.\-])(?:\+|00)?\(?\d[\d\s().\-/]{5,}\d(?![\w\-])")
# Digit runs that are not phone numbers and show up in logs all the time.
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DECIMAL_RE = re.compile(r"\d+\.\d+")
_IPV4_RE = re.compile(r"\d{1,3}(\.\d{1,3}){3}")


def _mask_phone(match: re.Match) -> str:
    candidate = match.group(0)
    if not 7 <= sum(ch.isdigit() for ch in candidate) <= 15:
        return candidate
    plain = candidate.strip()
    if not plain.startswith("+") and (
        _DATE_RE.match(plain) or _DECIMAL_RE.fullmatch(plain) or _IPV4_RE.fullmatch(plain)
    ):
        return candidate
    # Keep the whitespace the regex swallowed at the end.
    return PHONE_MASK + candidate[len(candidate.rstrip()):]


def redact(text: str, extra: Iterable[str] = ()) -> str:
    """Mask e-mail addresses, phone numbers and any `extra` strings (e.g. a name)."""
    if not text:
        return text
    text = _EMAIL_RE.sub(EMAIL_MASK, text)
    text = _PHONE_RE.sub(_mask_phone, text)
    for value in extra:
        if value and len(value.strip()) > 1:
            text = re.sub(re.escape(value.strip()), "<redacted>", text, flags=re.IGNORECASE)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites the record's message (arguments merged in) and exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record)
        return True


def _redact_record(record: logging.LogRecord) -> logging.LogRecord:
    if getattr(record, "_redacted", False):
        return record
    try:
        message = record.getMessage()
    except Exception:  # a broken format string is logging's problem, not ours
        message = str(record.msg)
    record.msg, record.args = redact(message), ()
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    record._redacted = True
    return record


_installed = False


def install(*handlers: logging.Handler) -> None:
    """Redact every log record of the process (idempotent).

    Wraps the log record factory, which runs for all loggers regardless of which
    handlers exist now or later; handlers passed in also get the filter explicitly.
    """
    global _installed
    for handler in handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        return _redact_record(previous(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    _installed = True
