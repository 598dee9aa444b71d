"""Keep visitors' personal data out of logs.

What the servers may log of visitor text at all (the policy):
- never what a visitor typed, nor slot values, nor bot replies (they echo the name):
  Rasa's structured debug events carry these under known keys (its own list of
  "anonymizable" keys plus a few more); visitor_text_scrubber replaces them with their
  length (texts), their keys (slot values) or their event types (events). Intents,
  action names, confidences and slot names stay, so debug logs still explain a turn;
- every log record is cut to MAX_RECORD_CHARS, then e-mail addresses and phone numbers
  are masked by regexes whose every repetition is bounded and which start only at a word
  boundary, so a 64 KB word or sender id costs linear time;
- names and companies cannot be found by a regex: they only ever reach a log inside the
  scrubbed keys, and code of ours logs ids, counts and exception types, never values.

install() hooks all of it into the process: the log record factory (every record, for
handlers configured now or later) and Rasa's structlog processor chain.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, MutableMapping
from typing import Any

EMAIL_MASK = "<email>"
PHONE_MASK = "<phone>"
# Longer records are cut before masking: nothing useful in a log line is this long.
MAX_RECORD_CHARS = 2000
MAX_TRACEBACK_CHARS = 20000

# Local part and labels within the limits of RFC 5321; only starts where a local part can.
_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}"
    r"(?:\.[A-Za-z0-9\-]{1,63}){0,8}\.[A-Za-z]{2,24}"
)
# A run of digits with the separators people type in phone numbers (at most 30
# characters); not part of a word, a decimal or a dashed id (UUID segments).
_PHONE_RE = re.compile(r"(?<![\w.\-])(?:\+|00)?\(?\d[\d\s().\-/]{5,30}\d(?![\w\-])")
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
    return PHONE_MASK + candidate[len(candidate.rstrip()) :]


def truncate(text: str, limit: int = MAX_RECORD_CHARS) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... [{len(text) - limit} more characters]"


def redact(text: str, extra: Iterable[str] = (), limit: int = MAX_RECORD_CHARS) -> str:
    """Cut to `limit`, then mask e-mail addresses, phone numbers and `extra` strings."""
    if not text:
        return text
    text = truncate(text, limit)
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
        record.exc_text = redact(record.exc_text, limit=MAX_TRACEBACK_CHARS)
    if record.stack_info:
        record.stack_info = redact(record.stack_info, limit=MAX_TRACEBACK_CHARS)
    record._redacted = True
    return record


# Keys of Rasa's structured log events that carry what visitors typed, slot values or
# bot replies: rasa.utils.log_utils._anonymizer's list and the ones seen in debug logs.
VISITOR_TEXT_KEYS = frozenset(
    {
        "text",
        "response_text",
        "user_text",
        "slot_values",
        "parse_data_text",
        "parse_data_entities",
        "prediction_events",
        "tracker_latest_message",
        "prefilled_slots",
        "message",
        "response",
        "slot_candidates",
        "rasa_event",
        "rasa_events",
        "tracker_states",
        "current_states",
        "old_states",
        "successes",
        "current_entity",
        "next_entity",
        "states",
        "entity",
        "token_text",
        "user_message",
        "json_message",
        "events",
        "slots",
        "value",
        "metadata",
        "utter_action",
        "bot_message",
        "template",
        "entities",
    }
)
_SLOT_LINE_RE = re.compile(r"^(\s*[\w.\-]{1,100}):[^\n]*$", re.MULTILINE)
_USER_TEXT_RE = re.compile(r"user text: [^|\n]*")
_EVENT_NAME_RE = re.compile(r"^\s*(\w{1,40})")
_SLOT_KEY_RE = re.compile(r"key: ([\w.\-]{1,100})")


def _event_summary(event: Any) -> str:
    """'SlotSet(key: lead_name, value: Anna)' -> 'SlotSet(lead_name)'; other events: their type."""
    text = str(event)[:200]
    name = _EVENT_NAME_RE.match(text)
    slot = _SLOT_KEY_RE.search(text)
    kind = name.group(1) if name else type(event).__name__
    return f"{kind}({slot.group(1)})" if slot and kind == "SlotSet" else kind


def scrub_value(key: str, value: Any) -> Any:
    """What a log may keep of one visitor-text value: its shape, never its content."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if key == "slot_values" and isinstance(value, str):
        return _SLOT_LINE_RE.sub(r"\1: <hidden>", truncate(value))
    if key in ("current_states", "old_states", "tracker_states", "states") and isinstance(value, str):
        return _USER_TEXT_RE.sub("user text: <hidden>", truncate(value))
    if key in ("rasa_events", "prediction_events", "events") and isinstance(value, (list, tuple)):
        return [_event_summary(event) for event in value[:50]]
    if isinstance(value, dict):
        return {str(k)[:100]: "<hidden>" for k in list(value)[:50]}
    if isinstance(value, (list, tuple)):
        return f"<{len(value)} items hidden>"
    return f"<{len(str(value))} characters hidden>"


def visitor_text_scrubber(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """A structlog processor: visitor text under VISITOR_TEXT_KEYS becomes its shape."""
    for key in VISITOR_TEXT_KEYS.intersection(event_dict):
        event_dict[key] = scrub_value(key, event_dict[key])
    return event_dict


def _install_structlog() -> None:
    """Put visitor_text_scrubber first in structlog's chain (Rasa 3.6 logs through it).

    Changed in place: loggers that cached the chain on first use see it too.
    """
    try:
        import structlog
    except ImportError:  # the action server without Rasa's structlog: nothing to do
        return
    processors = structlog.get_config()["processors"]
    if visitor_text_scrubber in processors:
        return
    if isinstance(processors, list):
        processors.insert(0, visitor_text_scrubber)
    else:
        structlog.configure(processors=[visitor_text_scrubber, *processors])


_installed = False


def install(*handlers: logging.Handler) -> None:
    """Apply the policy to every log record of the process (idempotent).

    Wraps the log record factory, which runs for all loggers regardless of which
    handlers exist now or later; handlers passed in also get the filter explicitly.
    Rasa's structlog chain gets visitor_text_scrubber (call again after Rasa
    reconfigures structlog: it is added once).
    """
    global _installed
    for handler in handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
    _install_structlog()
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        return _redact_record(previous(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    _installed = True
