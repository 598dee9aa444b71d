"""Settings from environment variables, each with a default that works on a laptop.

Read at call time (not import time) so tests and the CLI can point a process at another
database by setting the variable.
"""
from __future__ import annotations

import os
import secrets
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


def _float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


def _int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def log_level() -> str:
    """LOG_LEVEL (Rasa's own variable): the action server runner follows it too."""
    return os.environ.get("LOG_LEVEL", "INFO").upper()


# --- action server -------------------------------------------------------------------
DEV_ACTION_SECRET_FILE = VAR_DIR / "action-server.secret"


def action_server_host() -> str:
    """Interface the action server listens on; only the Rasa server needs to reach it."""
    return os.environ.get("ACTION_SERVER_HOST", "127.0.0.1")


def action_server_secret() -> str:
    """Shared secret the Rasa server sends to the action server (ACTION_SERVER_SECRET).

    Unset (development): a random one kept in var/action-server.secret (mode 0600), which
    `bot run` renews at each start and `bot shell` reads, so both talk to the same server.
    """
    secret = os.environ.get("ACTION_SERVER_SECRET")
    if secret:
        return secret
    try:
        secret = DEV_ACTION_SECRET_FILE.read_text().strip()
    except OSError:
        secret = ""
    return secret or renew_dev_action_secret()


def renew_dev_action_secret() -> str:
    """A new development secret in var/action-server.secret, readable by this user only."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(32)
    fd = os.open(DEV_ACTION_SECRET_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secret)
    return secret


# --- leads: webhook outbox, spool, throttle --------------------------------------------
def lead_spool_dir() -> Path:
    """Leads submitted while the sales database is down wait here (one file per conversation)."""
    return Path(os.environ.get("LEAD_SPOOL_DIR", VAR_DIR / "spool" / "leads"))


def lead_spool_interval() -> float:
    """Seconds between two attempts to move spooled leads into the sales database."""
    return _float("LEAD_SPOOL_INTERVAL", 10.0)


def lead_limit_window() -> float:
    """The throttle's time window in seconds (LEAD_LIMIT_WINDOW_SECONDS)."""
    return _float("LEAD_LIMIT_WINDOW_SECONDS", 3600.0)


def lead_limit_per_client() -> int:
    """New leads one client (as the channel identifies it) may create per window."""
    return _int("LEAD_LIMIT_PER_CLIENT", 5)


def lead_limit_per_contact() -> int:
    """New leads for one e-mail address or phone number per window."""
    return _int("LEAD_LIMIT_PER_CONTACT", 3)


def lead_limit_total() -> int:
    """New leads from all visitors together per window: a flood stops here."""
    return _int("LEAD_LIMIT_TOTAL", 200)


def sentence_model_dir() -> Path:
    """all-MiniLM-L6-v2 files, extracted and hash-checked by `bot nlp build-embedder`."""
    return Path(os.environ.get("SENTENCE_MODEL_DIR", ROOT / "models" / "minilm"))


def rasa_env_defaults() -> dict[str, str]:
    """Values for the ${...} variables in endpoints.yml when the environment has none."""
    return {
        "ACTION_ENDPOINT_URL": "http://127.0.0.1:5055/webhook",
        "ACTION_SERVER_SECRET": action_server_secret(),
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


def privacy_url() -> str:
    """The privacy notice linked in the lead form's consent question."""
    return os.environ.get("PRIVACY_URL", "/webhooks/webchat/privacy")


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


def advisor_rules_yaml() -> Path:
    """The sourcing advisor's rules (the project's own, on the seed article's four criteria)."""
    return Path(os.environ.get("ADVISOR_RULES_YAML", ROOT / "data" / "advisor_rules.yml"))


def cost_assumptions_yaml() -> Path:
    """Sample in-house cost assumptions and estimate defaults (working days per month)."""
    return Path(os.environ.get("COST_ASSUMPTIONS_YAML", ROOT / "data" / "cost_assumptions.yml"))


def fact_min_confidence() -> float:
    """Below this ResponseSelector confidence a company-fact question gets "I don't know that"."""
    try:
        return float(os.environ.get("FACT_MIN_CONFIDENCE", "0.5"))
    except ValueError:
        return 0.5
