"""Logs never carry e-mail addresses or phone numbers."""
import logging

import pytest

from bot.sales import logsafe
from bot.sales.logsafe import RedactingFilter, redact


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
