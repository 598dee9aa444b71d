"""Every setting of the project: one pydantic object read from environment variables, each
with a default that works on a laptop.

Other modules call the accessor functions below (never os.environ). The environment is read at
call time (not import time), so tests and the CLI can point a process at another database by
setting a variable; a process checks it once at start-up with `check()`, which turns a bad
value into a one-line error instead of a silent default or a crash later.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path
from typing import Literal

from pydantic import BaseSettings, ValidationError, validator

from bot.origin_syntax import parse_allowed_origins

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = ROOT / "var"
DEV_ACTION_SECRET_FILE = VAR_DIR / "action-server.secret"
DEV_WEBCHAT_SECRET_FILE = VAR_DIR / "webchat-session.secret"


class Settings(BaseSettings):
    """The environment variables (field name upper-cased), with their defaults."""

    # databases and data files
    sales_db_url: str = ""  # catalogue and leads; empty: SQLite in var/sales.db
    tracker_db_url: str = ""  # Rasa's SQL tracker store, read for transcripts; empty: var/tracker.db
    catalogue_yaml: Path = ROOT / "data" / "catalogue.yml"
    advisor_rules_yaml: Path = ROOT / "data" / "advisor_rules.yml"
    cost_assumptions_yaml: Path = ROOT / "data" / "cost_assumptions.yml"
    sentence_model_dir: Path = ROOT / "models" / "minilm"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"

    # servers (`bot run`)
    rasa_port: int = 5005
    action_port: int = 5055
    action_server_host: str = "127.0.0.1"  # only the Rasa server needs to reach it
    action_server_secret: str = ""  # empty: a development secret in var/
    action_timeout_seconds: float = 8.0  # a custom action slower than this is answered without it
    rasa_host: str = "127.0.0.1"  # interface of the Rasa server; nginx reaches it locally

    # chat channels (bot/web): sessions, REST, rate limits, client addresses
    webchat_session_secret: str = ""  # signs web chat session ids; empty: a development secret in var/
    rest_token: str = ""  # set: the REST channel wants "Authorization: Bearer <token>"
    rate_limit_per_session: int = 20  # messages a minute (and burst); 0: off
    rate_limit_per_address: int = 60  # messages a minute (and burst) per client address; 0: off
    trusted_proxies: str = "127.0.0.1,::1"  # comma-separated addresses/networks whose X-Forwarded-For counts

    # web chat: origins (besides the chat server's own) whose pages may embed the widget
    widget_allowed_origins: str = ""  # comma-separated, e.g. https://www.example.com; never *

    # answers
    privacy_url: str = "/webhooks/webchat/privacy"
    fact_min_confidence: float = 0.5

    # leads: qualification, spool, throttle
    lead_qualified_threshold: int = 60
    lead_spool_dir: Path = VAR_DIR / "spool" / "leads"
    lead_spool_interval: float = 10.0
    lead_limit_window_seconds: float = 3600.0
    lead_limit_per_client: int = 5
    lead_limit_per_contact: int = 3
    lead_limit_total: int = 200

    # sales alerts, routing, meeting link: each channel is off until its variable is set
    sales_notify_email: str = ""  # comma-separated addresses
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_security: Literal["none", "starttls", "ssl"] = "none"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "assistant@localhost"
    sales_slack_webhook_url: str = ""
    sales_webhook_url: str = ""
    sales_webhook_format: Literal["ours", "hubspot", "salesforce"] = "ours"
    sales_webhook_secret: str = ""  # "whsec_" + base64 key (Standard Webhooks)
    sales_outbox_interval: float = 5.0
    sales_outbox_retry_seconds: float = 30.0
    sales_routing_file: Path = ROOT / "routing.yml"
    booking_url_template: str = ""

    @validator("rasa_port", "action_port", "smtp_port")
    def _port(cls, v: float) -> float:
        if not (1 <= v <= 65535):
            raise ValueError("must be a port number (1-65535)")
        return v

    @validator("widget_allowed_origins")
    def _origins(cls, v: str) -> str:
        parse_allowed_origins(v)  # OriginError (a ValueError) names the bad entry
        return v

    @validator("fact_min_confidence")
    def _fraction(cls, v: float) -> float:
        if not (0 <= v <= 1):
            raise ValueError("must be between 0 and 1")
        return v

    @validator("lead_qualified_threshold")
    def _score(cls, v: float) -> float:
        if not (0 <= v <= 100):
            raise ValueError("must be between 0 and 100")
        return v

    @validator(
        "lead_spool_interval",
        "action_timeout_seconds",
        "lead_limit_window_seconds",
        "sales_outbox_interval",
        "sales_outbox_retry_seconds",
    )
    def _positive(cls, v: float) -> float:
        if not (v > 0):
            raise ValueError("must be more than 0")
        return v

    @validator(
        "lead_limit_per_client",
        "lead_limit_per_contact",
        "lead_limit_total",
        "rate_limit_per_session",
        "rate_limit_per_address",
    )
    def _count(cls, v: float) -> float:
        if not (v >= 0):
            raise ValueError("must be 0 or more")
        return v

    @validator("trusted_proxies")
    def _networks(cls, v: str) -> str:
        for part in v.split(","):
            if part.strip():
                try:
                    ipaddress.ip_network(part.strip(), strict=False)
                except ValueError:
                    raise ValueError(f"{part.strip()!r} is not an address or network") from None
        return v

    class Config:
        case_sensitive = False
        anystr_strip_whitespace = True

        @classmethod
        def customise_sources(cls, init_settings, env_settings, file_secret_settings):  # type: ignore[no-untyped-def]
            # a variable set to blanks counts as unset (compose files often pass VAR=)
            def non_blank_env(settings: BaseSettings) -> dict:
                return {
                    k: v
                    for k, v in env_settings(settings).items()
                    if not (isinstance(v, str) and not v.strip())
                }

            return init_settings, non_blank_env, file_secret_settings


class ConfigError(ValueError):
    """A setting has a value the project cannot use; the message is one line naming each."""


_cache: tuple[tuple, Settings] | None = None


def _names() -> list[str]:
    return [name.upper() for name in Settings.__fields__]


def current() -> Settings:
    """The settings as the environment says now (re-validated only when a variable changed)."""
    global _cache
    key = tuple(os.environ.get(name) for name in _names())
    if _cache is None or _cache[0] != key:
        try:
            _cache = (key, Settings())
        except ValidationError as exc:
            problems = "; ".join(f"{str(err['loc'][0]).upper()}: {err['msg']}" for err in exc.errors())
            raise ConfigError(f"configuration error: {problems}") from None
    return _cache[1]


def check() -> Settings:
    """Validate every setting now (at a process's start): raises ConfigError."""
    return current()


def check_or_exit() -> Settings:
    """check() for a server starting up: a bad setting ends the process with its one line."""
    try:
        return check()
    except ConfigError as exc:
        raise SystemExit(str(exc)) from None


def _var_sqlite(name: str) -> str:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{VAR_DIR / name}"


def _optional(value: str) -> str | None:
    return value or None


# --- databases and files ---------------------------------------------------------------
def sales_db_url() -> str:
    """Database holding the service catalogue and the sales leads."""
    return current().sales_db_url or _var_sqlite("sales.db")


def tracker_db_url() -> str:
    """Database of Rasa's SQL tracker store (conversations), read for lead transcripts."""
    return current().tracker_db_url or _var_sqlite("tracker.db")


def catalogue_yaml() -> Path:
    return current().catalogue_yaml


def advisor_rules_yaml() -> Path:
    """The sourcing advisor's rules (the project's own, on the seed article's four criteria)."""
    return current().advisor_rules_yaml


def cost_assumptions_yaml() -> Path:
    """Sample in-house cost assumptions and estimate defaults (working days per month)."""
    return current().cost_assumptions_yaml


def sentence_model_dir() -> Path:
    """all-MiniLM-L6-v2 files, extracted and hash-checked by `bot nlp build-embedder`."""
    return current().sentence_model_dir


def log_level() -> str:
    """LOG_LEVEL (Rasa's own variable): the action server runner follows it too."""
    return current().log_level


# --- servers ---------------------------------------------------------------------------
def rasa_port() -> int:
    return current().rasa_port


def action_port() -> int:
    return current().action_port


def action_server_host() -> str:
    """Interface the action server listens on; only the Rasa server needs to reach it."""
    return current().action_server_host


def action_server_secret_is_set() -> bool:
    return bool(current().action_server_secret)


def action_server_secret() -> str:
    """Shared secret the Rasa server sends to the action server (ACTION_SERVER_SECRET).

    Unset (development): a random one kept in var/action-server.secret (mode 0600), which
    `bot run` renews at each start and `bot shell` reads, so both talk to the same server.
    """
    secret = current().action_server_secret
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


def rasa_host() -> str:
    """Interface the Rasa server listens on (RASA_HOST, default 127.0.0.1)."""
    return current().rasa_host


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
        # no usage reports or crash reports (Sentry) leave the machine unless asked for
        "RASA_TELEMETRY_ENABLED": "false",
        "LOCK_STORE_PASSWORD": "",  # Redis without AUTH; deploy/ sets REDIS_PASSWORD's value
    }


def rasa_env(overrides: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a Rasa child process: ours, the endpoints.yml defaults, overrides."""
    env = dict(os.environ)
    for key, value in rasa_env_defaults().items():
        env.setdefault(key, value)
    env.update(overrides or {})
    return env


# --- chat channels: sessions, REST token, rate limits, client addresses (issue 10) -----
def webchat_session_secret() -> str:
    """Key that signs the widget's session ids and hashes client addresses (WEBCHAT_SESSION_SECRET).

    Unset (development): a random one kept in var/webchat-session.secret (mode 0600) and kept
    across restarts, so a visitor's conversation survives `bot run` being restarted. Set one
    value for all Rasa replicas in production.
    """
    secret = current().webchat_session_secret
    if secret:
        return secret
    try:
        secret = DEV_WEBCHAT_SECRET_FILE.read_text().strip()
    except OSError:
        secret = ""
    if secret:
        return secret
    # Written to a private temporary file, then linked into place: processes starting
    # together (two replicas, the e2e servers) end up with the same, complete secret.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(32)
    temporary = VAR_DIR / f".webchat-session.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secret)
    try:
        os.link(temporary, DEV_WEBCHAT_SECRET_FILE)
    except FileExistsError:
        secret = DEV_WEBCHAT_SECRET_FILE.read_text().strip()
    finally:
        temporary.unlink()
    return secret


def rest_token() -> str | None:
    """REST_TOKEN: when set, the REST channel wants `Authorization: Bearer <token>` (unset: open)."""
    return _optional(current().rest_token)


def rate_limit_per_session() -> int:
    """Messages one conversation may send per minute (and in a burst); 0 turns the limit off."""
    return current().rate_limit_per_session


def rate_limit_per_address() -> int:
    """Messages one client address may send per minute (and in a burst); 0 turns the limit off."""
    return current().rate_limit_per_address


def trusted_proxies() -> list[str]:
    """TRUSTED_PROXIES: addresses or networks whose X-Forwarded-For is believed (the local nginx)."""
    return [part.strip() for part in current().trusted_proxies.split(",") if part.strip()]


# --- web chat --------------------------------------------------------------------------
def widget_allowed_origins() -> frozenset[str]:
    """WIDGET_ALLOWED_ORIGINS: the origins (https://www.example.com) whose pages may embed the
    chat widget, besides the chat server's own; unset or empty: its own origin only.

    `*`, a path or anything else that is not one explicit origin is a ConfigError (one line),
    so `bot run` and the Rasa server refuse to start with it (bot/origin_syntax.py).
    """
    return parse_allowed_origins(current().widget_allowed_origins)


# --- answers ---------------------------------------------------------------------------
def privacy_url() -> str:
    """The privacy notice linked in the lead form's consent question."""
    return current().privacy_url


def action_timeout() -> float:
    """Seconds the Rasa server waits for a custom action before answering without it."""
    return current().action_timeout_seconds


def fact_min_confidence() -> float:
    """Below this fact-selector confidence a company-fact question gets "I don't know that"."""
    return current().fact_min_confidence


# --- leads: qualification, spool, throttle ---------------------------------------------
def lead_qualified_threshold() -> int:
    """Score (0-100) from which a lead counts as qualified."""
    return current().lead_qualified_threshold


def lead_spool_dir() -> Path:
    """Leads submitted while the sales database is down wait here (one file per conversation)."""
    return current().lead_spool_dir


def lead_spool_interval() -> float:
    """Seconds between two attempts to move spooled leads into the sales database."""
    return current().lead_spool_interval


def lead_limit_window() -> float:
    """The throttle's time window in seconds (LEAD_LIMIT_WINDOW_SECONDS)."""
    return current().lead_limit_window_seconds


def lead_limit_per_client() -> int:
    """New leads one client (as the channel identifies it) may create per window."""
    return current().lead_limit_per_client


def lead_limit_per_contact() -> int:
    """New leads for one e-mail address or phone number per window."""
    return current().lead_limit_per_contact


def lead_limit_total() -> int:
    """New leads from all visitors together per window: a flood stops here."""
    return current().lead_limit_total


# --- sales alerts, routing, meeting link (issue 12) ------------------------------------
# The outbox worker in the action server delivers what save_lead queued for the channels
# that were on at the time.
def sales_notify_emails() -> list[str]:
    """SALES_NOTIFY_EMAIL: comma-separated addresses that get an e-mail per lead (off)."""
    return [part.strip() for part in current().sales_notify_email.split(",") if part.strip()]


def smtp_host() -> str:
    return current().smtp_host or "127.0.0.1"


def smtp_port() -> int:
    return current().smtp_port


def smtp_security() -> str:
    """SMTP_SECURITY: "none" (a local relay), "starttls" (port 587) or "ssl" (port 465)."""
    return current().smtp_security


def smtp_user() -> str | None:
    return _optional(current().smtp_user)


def smtp_password() -> str | None:
    return _optional(current().smtp_password)


def smtp_from() -> str:
    return current().smtp_from or "assistant@localhost"


def slack_webhook_url() -> str | None:
    """SALES_SLACK_WEBHOOK_URL: a Slack-compatible incoming webhook (off)."""
    return _optional(current().sales_slack_webhook_url)


def sales_webhook_url() -> str | None:
    """SALES_WEBHOOK_URL: the generic (CRM) webhook each lead is posted to (off)."""
    return _optional(current().sales_webhook_url)


def sales_webhook_format() -> str:
    """SALES_WEBHOOK_FORMAT: ours (default), hubspot (contact properties) or salesforce (Lead fields)."""
    return current().sales_webhook_format


def sales_webhook_secret() -> str | None:
    """SALES_WEBHOOK_SECRET: "whsec_" + base64 key; requests are signed the Standard Webhooks way."""
    return _optional(current().sales_webhook_secret)


def outbox_interval() -> float:
    """SALES_OUTBOX_INTERVAL: seconds between two outbox passes of the worker."""
    return current().sales_outbox_interval


def outbox_retry_base() -> float:
    """SALES_OUTBOX_RETRY_SECONDS: first retry delay after a failed delivery (doubles each time)."""
    return current().sales_outbox_retry_seconds


def routing_file() -> Path:
    """SALES_ROUTING_FILE: rules that choose a lead's owner (routing.yml beside domain.yml)."""
    return current().sales_routing_file


def booking_url_template() -> str | None:
    """BOOKING_URL_TEMPLATE: Cal.com/Calendly-style link with {name} and {email} (off)."""
    return _optional(current().booking_url_template)
