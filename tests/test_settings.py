"""bot.settings: one validated object; a bad value is a one-line error at start-up."""

import subprocess

import pytest

from bot import settings


def test_the_defaults_work_with_no_variables_set(monkeypatch):
    for name in settings._names():
        monkeypatch.delenv(name, raising=False)
    current = settings.check()
    assert current.rasa_port == 5005 and current.smtp_security == "none"
    assert settings.sales_db_url().startswith("sqlite:///")
    assert settings.sales_webhook_url() is None and settings.sales_notify_emails() == []


def test_a_variable_is_read_when_it_changes(monkeypatch):
    monkeypatch.setenv("LEAD_QUALIFIED_THRESHOLD", "70")
    assert settings.lead_qualified_threshold() == 70
    monkeypatch.setenv("LEAD_QUALIFIED_THRESHOLD", "55")
    assert settings.lead_qualified_threshold() == 55


def test_blank_counts_as_unset(monkeypatch):
    monkeypatch.setenv("SMTP_PORT", "  ")
    monkeypatch.setenv("SALES_WEBHOOK_URL", "")
    assert settings.smtp_port() == 25 and settings.sales_webhook_url() is None


@pytest.mark.parametrize(
    "name, value",
    [
        ("LEAD_QUALIFIED_THRESHOLD", "sixty"),
        ("LEAD_QUALIFIED_THRESHOLD", "160"),
        ("LEAD_SPOOL_INTERVAL", "0"),
        ("SALES_OUTBOX_INTERVAL", "soon"),
        ("SMTP_SECURITY", "tls-please"),
        ("SALES_WEBHOOK_FORMAT", "zapier"),
        ("RASA_PORT", "70000"),
        ("FACT_MIN_CONFIDENCE", "2"),
        ("LOG_LEVEL", "chatty"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(settings.ConfigError) as caught:
        settings.check()
    message = str(caught.value)
    assert "\n" not in message and message.startswith("configuration error:") and name in message


def test_the_console_command_refuses_to_start_with_a_bad_value():
    bot = settings.ROOT / ".venv" / "bin" / "bot"
    done = subprocess.run(
        [str(bot), "catalogue", "list"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "LEAD_LIMIT_TOTAL": "-3"},
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["configuration error: LEAD_LIMIT_TOTAL: must be 0 or more"]
