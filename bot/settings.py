"""Settings from environment variables, each with a default that works on a laptop.

Read at call time (not import time) so tests and the CLI can point a process at another
database by setting the variable.
"""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = ROOT / "var"


def sales_db_url() -> str:
    """Database holding the service catalogue and the sales leads."""
    url = os.environ.get("SALES_DB_URL")
    if url:
        return url
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{VAR_DIR / 'sales.db'}"


def tracker_db_url() -> str:
    """Database of Rasa's SQL tracker store (conversations), read for lead transcripts."""
    url = os.environ.get("TRACKER_DB_URL")
    if url:
        return url
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{VAR_DIR / 'tracker.db'}"


def catalogue_yaml() -> Path:
    return Path(os.environ.get("CATALOGUE_YAML", ROOT / "data" / "catalogue.yml"))


def rasa_env_defaults() -> dict[str, str]:
    """Values for the ${...} variables in endpoints.yml when the environment has none."""
    return {
        "ACTION_ENDPOINT_URL": "http://127.0.0.1:5055/webhook",
        "TRACKER_DIALECT": "sqlite",
        "TRACKER_DB_URL": tracker_db_url(),
        "TRACKER_DB_NAME": "rasa",
        "LOCK_STORE_TYPE": "in_memory",
        "LOCK_STORE_HOST": "127.0.0.1",
        "LOCK_STORE_PORT": "6379",
        # the lock store keeps a Redis database of its own (0 is everyone's default)
        "LOCK_STORE_DB": "1",
        "LOCK_STORE_PREFIX": "sourcing",
    }


def rasa_env(overrides: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    for key, value in rasa_env_defaults().items():
        env.setdefault(key, value)
    env.update(overrides or {})
    return env


# --- sales alerts, routing, meeting link (issue 12) ----------------------------------
# Each channel is off until its variable is set; the outbox worker in the action server
# delivers what save_lead queued for the channels that were on at the time.


def _env(name: str) -> str | None:
    """The variable's value with surrounding blanks removed; None when unset or blank."""
    value = os.environ.get(name, "").strip()
    return value or None


def _env_number(name: str, default: float) -> float:
    try:
        return float(os.environ[name])
    except (KeyError, ValueError):
        return default


def sales_notify_emails() -> list[str]:
    """SALES_NOTIFY_EMAIL: comma-separated addresses that get an e-mail per lead (off)."""
    return [part.strip() for part in (_env("SALES_NOTIFY_EMAIL") or "").split(",") if part.strip()]


def smtp_host() -> str:
    return _env("SMTP_HOST") or "127.0.0.1"


def smtp_port() -> int:
    return int(_env_number("SMTP_PORT", 25))


def smtp_security() -> str:
    """SMTP_SECURITY: "none" (a local relay), "starttls" (port 587) or "ssl" (port 465)."""
    value = (_env("SMTP_SECURITY") or "none").lower()
    return value if value in ("none", "starttls", "ssl") else "none"


def smtp_user() -> str | None:
    return _env("SMTP_USER")


def smtp_password() -> str | None:
    return _env("SMTP_PASSWORD")


def smtp_from() -> str:
    return _env("SMTP_FROM") or "assistant@localhost"


def slack_webhook_url() -> str | None:
    """SALES_SLACK_WEBHOOK_URL: a Slack-compatible incoming webhook (off)."""
    return _env("SALES_SLACK_WEBHOOK_URL")


def sales_webhook_url() -> str | None:
    """SALES_WEBHOOK_URL: the generic (CRM) webhook each lead is posted to (off)."""
    return _env("SALES_WEBHOOK_URL")


WEBHOOK_FORMATS = ("ours", "hubspot", "salesforce")


def sales_webhook_format() -> str:
    """SALES_WEBHOOK_FORMAT: ours (default), hubspot (contact properties) or salesforce (Lead fields)."""
    value = (_env("SALES_WEBHOOK_FORMAT") or "ours").lower()
    return value if value in WEBHOOK_FORMATS else "ours"


def sales_webhook_secret() -> str | None:
    """SALES_WEBHOOK_SECRET: "whsec_" + base64 key; requests are signed the Standard Webhooks way."""
    return _env("SALES_WEBHOOK_SECRET")


def outbox_interval() -> float:
    """SALES_OUTBOX_INTERVAL: seconds between two outbox passes of the worker."""
    return max(0.1, _env_number("SALES_OUTBOX_INTERVAL", 5))


def outbox_retry_base() -> float:
    """SALES_OUTBOX_RETRY_SECONDS: first retry delay after a failed delivery (doubles each time)."""
    return max(0.1, _env_number("SALES_OUTBOX_RETRY_SECONDS", 30))


def routing_file() -> Path:
    """SALES_ROUTING_FILE: rules that choose a lead's owner (routing.yml beside domain.yml)."""
    return Path(_env("SALES_ROUTING_FILE") or ROOT / "routing.yml")


def booking_url_template() -> str | None:
    """BOOKING_URL_TEMPLATE: Cal.com/Calendly-style link with {name} and {email} (off)."""
    return _env("BOOKING_URL_TEMPLATE")
