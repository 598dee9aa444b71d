"""bot.settings: one validated object; a bad value is a one-line error at start-up."""

import os
import subprocess

import pytest

from bot import settings
from bot.settings import get_settings


def test_the_defaults_work_with_no_variables_set(monkeypatch):
    for name in settings.variable_names():
        monkeypatch.delenv(name, raising=False)
    current = get_settings()
    assert current.rasa_port == 5005 and current.smtp_security == "none"
    assert current.sales_db_url == f"sqlite:///{settings.VAR_DIR / 'sales.db'}"
    assert current.tracker_db_url == f"sqlite:///{settings.VAR_DIR / 'tracker.db'}"
    assert current.sales_webhook_url is None and current.sales_notify_emails == []
    assert current.trusted_proxies == ["127.0.0.1", "::1"] and current.widget_allowed_origins == frozenset()


def test_the_settings_are_read_once_and_kept_until_the_cache_is_cleared(monkeypatch):
    monkeypatch.setenv("LEAD_QUALIFIED_THRESHOLD", "70")
    first = get_settings()
    assert get_settings() is first
    os.environ["LEAD_QUALIFIED_THRESHOLD"] = "55"  # behind monkeypatch's back: not seen
    assert get_settings().lead_qualified_threshold == 70
    get_settings.cache_clear()
    assert get_settings().lead_qualified_threshold == 55
    monkeypatch.setenv("LEAD_QUALIFIED_THRESHOLD", "40")  # tests/conftest.py clears it for monkeypatch
    assert get_settings().lead_qualified_threshold == 40


def test_variables_with_a_derived_value_keep_their_names(monkeypatch):
    monkeypatch.setenv("SALES_DB_URL", "sqlite:////tmp/elsewhere.db")
    monkeypatch.setenv("SALES_NOTIFY_EMAIL", "a@example.com, b@example.com")
    monkeypatch.setenv("WIDGET_ALLOWED_ORIGINS", "https://www.example.com")
    current = get_settings()
    assert current.sales_db_url == "sqlite:////tmp/elsewhere.db"
    assert current.sales_notify_emails == ["a@example.com", "b@example.com"]
    assert current.widget_allowed_origins == frozenset({"https://www.example.com"})
    assert {"SALES_DB_URL", "TRACKER_DB_URL", "ACTION_SERVER_SECRET", "WEBCHAT_SESSION_SECRET"} <= set(
        settings.variable_names()
    )
    monkeypatch.setenv("SALES_DB_URL", "")
    assert get_settings().sales_db_url.endswith("/var/sales.db")


def test_blank_counts_as_unset(monkeypatch):
    monkeypatch.setenv("SMTP_PORT", "  ")
    monkeypatch.setenv("SALES_WEBHOOK_URL", "")
    monkeypatch.setenv("SMTP_USER", " ")
    current = get_settings()
    assert current.smtp_port == 25 and current.sales_webhook_url is None and current.smtp_user is None


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
        get_settings()
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
