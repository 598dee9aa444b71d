"""Logs never carry e-mail addresses or phone numbers."""

import logging

import pytest

from bot import logsafe
from bot.logsafe import RedactingFilter, redact


@pytest.mark.parametrize(
    "text, expected",
    [
        ("mail anna.smith+x@Example.co.uk now", "mail <email> now"),
        ("call +49 30 1234567 or 030/1234567, ok", "call <phone> or <phone>, ok"),
        ("(030) 123-4567", "<phone>"),
        ("0044 20 7946 0958.", "<phone>."),
        ("+48 601 234 567", "<phone>"),
        ("phone: 555-1234567", "phone: <phone>"),
    ],
)
def test_redact_masks_contact_details(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "at 2024-01-05 12:30:45 took 0.123456 s",
        "sender 550e8400-e29b-41d4-a716-446655440000",
        "sender 9f86d081884c7d659a2feaa0c55ad015",
        "ip 192.168.100.200 port 5005",
        "lead 12 scored 85 of 100",
        "epoch 1700000000.123",
    ],
)
def test_redact_leaves_ordinary_log_text_alone(text):
    assert redact(text) == text


def test_redact_masks_known_names():
    assert redact("lead from Anna Smith saved", extra=["Anna Smith"]) == "lead from <redacted> saved"


def _capture(logger_name):
    records = []

    class ListHandler(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    handler = ListHandler()
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger, handler, records


def test_filter_masks_message_arguments_and_exceptions():
    logger, handler, records = _capture("test.logsafe.filter")
    handler.addFilter(RedactingFilter())
    logger.info("lead %s phone %s", "anna@acme.com", "+49 30 1234567")
    try:
        raise ValueError("bad address joe@gmail.com")
    except ValueError:
        logger.exception("failed for %s", "joe@gmail.com")
    logger.removeHandler(handler)
    assert records[0] == "lead <email> phone <phone>"
    assert "joe@gmail.com" not in records[1] and "ValueError: bad address <email>" in records[1]


def test_install_covers_handlers_added_later(monkeypatch):
    monkeypatch.setattr(logsafe, "_installed", False)
    monkeypatch.setattr(logging, "_logRecordFactory", logging.getLogRecordFactory())  # restored after
    logsafe.install()
    logsafe.install()  # idempotent
    logger, handler, records = _capture("test.logsafe.install")  # no filter on this handler
    logger.warning("visitor wrote %s", "reach me at anna@acme.com or +44 20 7946 0958")
    logger.removeHandler(handler)
    assert records == ["visitor wrote reach me at <email> or <phone>"]


# --- hostile sizes: the masks must stay linear (issue 10: 60 KB word 2 s, 64 KB id 22 s) ---

HOSTILE = {
    "60 KB word": "a" * 60_000,
    "64 KB sender id": "Tracker with sender_id '" + "x" * 65_536 + "' stored to database",
    "60 KB of 'a.'": "a." * 30_000,
    "60 KB of 'a@'": "a@" * 30_000,
    "60 KB of '1 '": "1 " * 30_000,
}


@pytest.mark.parametrize("name", HOSTILE)
def test_masks_are_linear_even_without_the_cut(name):
    import time

    start = time.perf_counter()
    redact(HOSTILE[name], limit=10**7)  # the regexes alone, on the whole input
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_log_record_is_cut_then_masked_quickly(name):
    import time

    record = logging.LogRecord("t", logging.DEBUG, __file__, 1, "%s", (HOSTILE[name],), None)
    start = time.perf_counter()
    logsafe._redact_record(record)
    assert time.perf_counter() - start < 0.05
    assert len(record.getMessage()) < logsafe.MAX_RECORD_CHARS + 100


def test_a_record_is_cut_before_masking():
    text = "x" * 3000 + " anna@acme.com"
    assert redact(text).endswith("[1014 more characters]") and "anna" not in redact(text)
    assert redact("mail anna@acme.com") == "mail <email>"


# --- visitor text in Rasa's structured (structlog) debug events ---


def test_scrubber_keeps_the_shape_of_visitor_text_only():
    event = {
        "event": "processor.message.parse",
        "parse_data_text": "Quintessa Marlowe",
        "parse_data_intent": {"name": "inform", "confidence": 0.99},
        "slot_values": "\tlead_name: Quintessa Marlowe\n\tlead_company: Zorblat Industries\n"
        "\tlead_email: None",
        "rasa_events": [
            "SlotSet(key: lead_name, value: Quintessa Marlowe)",
            "BotUttered('Thanks, Quintessa')",
        ],
        "current_states": "[state 4] user text: Zorblat Industries | previous action: action_listen",
        "slot_candidates": {"lead_company": "Zorblat Industries"},
        "text": "Quintessa",
        "action_name": "lead_form",
    }
    scrubbed = logsafe.visitor_text_scrubber(None, "debug", dict(event))
    flat = repr(scrubbed)
    assert "Quintessa" not in flat and "Zorblat" not in flat
    assert scrubbed["parse_data_text"] == "<17 characters hidden>"
    assert scrubbed["parse_data_intent"] == {"name": "inform", "confidence": 0.99}  # intents stay
    assert "lead_name: <hidden>" in scrubbed["slot_values"]
    assert scrubbed["rasa_events"] == ["SlotSet(lead_name)", "BotUttered"]
    assert scrubbed["slot_candidates"] == {"lead_company": "<hidden>"}
    assert scrubbed["action_name"] == "lead_form" and scrubbed["event"] == event["event"]


def test_install_puts_the_scrubber_first_in_structlog(monkeypatch):
    import structlog

    processors = [structlog.processors.JSONRenderer()]
    monkeypatch.setattr(structlog._config._CONFIG, "default_processors", processors)
    logsafe._install_structlog()
    logsafe._install_structlog()  # once only
    assert processors[0] is logsafe.visitor_text_scrubber and len(processors) == 2
