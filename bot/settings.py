"""Every setting of the project: one pydantic object read from environment variables, each
with a default that works on a laptop.

Code reads them from `get_settings()` (never os.environ): the environment is read once per
process, on first use (not at import), and kept. A process checks it at start-up (the first
call raises ConfigError, a one-line message, instead of a silent default or a crash later).
Tests that change a variable drop the kept object with `get_settings.cache_clear()`
(tests/conftest.py does it for every monkeypatch.setenv/delenv).

Fields are the variables, named as they are (upper-cased); a `raw_` field is a variable as
given, and the property of the plain name is the value to use (a default under var/, a
parsed list): e.g. `raw_sales_db_url` is SALES_DB_URL, `sales_db_url` the database to use.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseSettings, Field, ValidationError, validator

from bot.origin_syntax import parse_allowed_origins

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = ROOT / "var"
DEV_ACTION_SECRET_FILE = VAR_DIR / "action-server.secret"
DEV_WEBCHAT_SECRET_FILE = VAR_DIR / "webchat-session.secret"


class Settings(BaseSettings):
    """The environment variables (field name upper-cased, or its `env`), with their defaults."""

    # databases and data files
    raw_sales_db_url: str = Field("", env="SALES_DB_URL")  # catalogue and leads
    raw_tracker_db_url: str = Field("", env="TRACKER_DB_URL")  # Rasa's SQL tracker store
    catalogue_yaml: Path = ROOT / "data" / "catalogue.yml"
    # the sourcing advisor's rules (the project's own, on the seed article's four criteria)
    advisor_rules_yaml: Path = ROOT / "data" / "advisor_rules.yml"
    # sample in-house cost assumptions and estimate defaults (working days per month)
    cost_assumptions_yaml: Path = ROOT / "data" / "cost_assumptions.yml"
    # all-MiniLM-L6-v2 files, extracted and hash-checked by `bot nlp build-embedder`
    sentence_model_dir: Path = ROOT / "models" / "minilm"
    # Rasa's own variable: the action server runner follows it too
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"

    # servers (`bot run`)
    rasa_port: int = 5005
    action_port: int = 5055
    action_server_host: str = "127.0.0.1"  # only the Rasa server needs to reach it
    raw_action_server_secret: str = Field("", env="ACTION_SERVER_SECRET")
    action_timeout_seconds: float = 8.0  # a custom action slower than this is answered without it
    rasa_host: str = "127.0.0.1"  # interface of the Rasa server; nginx reaches it locally

    # chat channels (bot/web): sessions, REST, rate limits, client addresses
    raw_webchat_session_secret: str = Field("", env="WEBCHAT_SESSION_SECRET")
    rest_token: str | None = None  # set: the REST channel wants "Authorization: Bearer <token>"
    rate_limit_per_session: int = 20  # messages a minute (and burst); 0: off
    rate_limit_per_address: int = 60  # messages a minute (and burst) per client address; 0: off
    # comma-separated addresses/networks whose X-Forwarded-For counts
    raw_trusted_proxies: str = Field("127.0.0.1,::1", env="TRUSTED_PROXIES")

    # web chat: origins (besides the chat server's own) whose pages may embed the widget
    raw_widget_allowed_origins: str = Field("", env="WIDGET_ALLOWED_ORIGINS")

    # answers
    privacy_url: str = "/webhooks/webchat/privacy"  # linked in the lead form's consent question
    # below this fact-selector confidence a company-fact question gets "I don't know that"
    fact_min_confidence: float = 0.5

    # leads: qualification, spool, throttle
    lead_qualified_threshold: int = 60  # score (0-100) from which a lead counts as qualified
    # leads submitted while the sales database is down wait here (one file per conversation)
    lead_spool_dir: Path = VAR_DIR / "spool" / "leads"
    lead_spool_interval: float = 10.0  # seconds between two attempts to store spooled leads
    lead_limit_window_seconds: float = 3600.0  # the throttle's time window
    lead_limit_per_client: int = 5  # new leads per client (as the channel identifies it) per window
    lead_limit_per_contact: int = 3  # new leads per e-mail address or phone number per window
    lead_limit_total: int = 200  # new leads from all visitors together per window

    # sales alerts, routing, meeting link (issue 12): each channel is off until its variable
    # is set; the outbox worker in the action server delivers what save_lead queued for them
    sales_notify_email: str = ""  # comma-separated addresses that get an e-mail per lead
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_security: Literal["none", "starttls", "ssl"] = "none"  # starttls: port 587, ssl: 465
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "assistant@localhost"
    sales_slack_webhook_url: str | None = None  # a Slack-compatible incoming webhook
    sales_webhook_url: str | None = None  # the generic (CRM) webhook each lead is posted to
    # ours, hubspot (contact properties) or salesforce (Lead fields)
    sales_webhook_format: Literal["ours", "hubspot", "salesforce"] = "ours"
    # "whsec_" + base64 key: requests are signed the Standard Webhooks way
    sales_webhook_secret: str | None = None
    sales_outbox_interval: float = 5.0  # seconds between two outbox passes of the worker
    sales_outbox_retry_seconds: float = 30.0  # first retry delay after a failure (doubles)
    sales_routing_file: Path = ROOT / "routing.yml"  # rules that choose a lead's owner
    booking_url_template: str | None = None  # Cal.com/Calendly-style link with {name} and {email}

    @validator("rasa_port", "action_port", "smtp_port")
    def _port(cls, v: float) -> float:
        if not (1 <= v <= 65535):
            raise ValueError("must be a port number (1-65535)")
        return v

    @validator("raw_widget_allowed_origins")
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

    @validator("raw_trusted_proxies")
    def _networks(cls, v: str) -> str:
        for part in v.split(","):
            if part.strip():
                try:
                    ipaddress.ip_network(part.strip(), strict=False)
                except ValueError:
                    raise ValueError(f"{part.strip()!r} is not an address or network") from None
        return v

    # --- derived values -------------------------------------------------------------
    @property
    def sales_db_url(self) -> str:
        """Database holding the service catalogue and the sales leads (SQLite in var/ by default)."""
        return self.raw_sales_db_url or _var_sqlite("sales.db")

    @property
    def tracker_db_url(self) -> str:
        """Rasa's SQL tracker store (conversations), read for lead transcripts (var/ by default)."""
        return self.raw_tracker_db_url or _var_sqlite("tracker.db")

    @property
    def action_server_secret_is_set(self) -> bool:
        return bool(self.raw_action_server_secret)

    @property
    def action_server_secret(self) -> str:
        """Shared secret the Rasa server sends to the action server (ACTION_SERVER_SECRET).

        Unset (development): a random one kept in var/action-server.secret (mode 0600), which
        `bot run` renews at each start and `bot shell` reads, so both talk to the same server.
        """
        return self.raw_action_server_secret or _dev_action_secret()

    @property
    def webchat_session_secret(self) -> str:
        """Key that signs the widget's session ids and hashes client addresses.

        Unset (development): a random one kept in var/webchat-session.secret (mode 0600) and
        kept across restarts, so a visitor's conversation survives `bot run` being restarted.
        Set one value for all Rasa replicas in production.
        """
        return self.raw_webchat_session_secret or _dev_webchat_secret()

    @property
    def trusted_proxies(self) -> list[str]:
        """Addresses or networks whose X-Forwarded-For is believed (the local nginx)."""
        return _comma_separated(self.raw_trusted_proxies)

    @property
    def widget_allowed_origins(self) -> frozenset[str]:
        """The origins (https://www.example.com) whose pages may embed the chat widget, besides
        the chat server's own; unset or empty: its own origin only.

        `*`, a path or anything else that is not one explicit origin is a ConfigError (one
        line), so `bot run` and the Rasa server refuse to start with it (bot/origin_syntax.py).
        """
        return parse_allowed_origins(self.raw_widget_allowed_origins)

    @property
    def sales_notify_emails(self) -> list[str]:
        """SALES_NOTIFY_EMAIL's addresses (none: the e-mail channel is off)."""
        return _comma_separated(self.sales_notify_email)

    class Config:
        case_sensitive = False
        anystr_strip_whitespace = True
        allow_mutation = False  # one object per process, shared by every reader

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


def variable_names() -> list[str]:
    """The environment variables the settings read."""
    return [_variable(name) for name in Settings.__fields__]


def _variable(field: str) -> str:
    return sorted(Settings.__fields__[field].field_info.extra["env_names"])[0].upper()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings, read from the environment on the first call and kept: ConfigError (one
    line naming each bad variable) when one has a value the project cannot use.

    `get_settings.cache_clear()` makes the next call read the environment again (tests).
    """
    try:
        return Settings()  # type: ignore[call-arg]  # (mypy takes Field(env=...) for required)
    except ValidationError as exc:
        problems = "; ".join(f"{_variable(str(err['loc'][0]))}: {err['msg']}" for err in exc.errors())
        raise ConfigError(f"configuration error: {problems}") from None


def check_or_exit() -> Settings:
    """get_settings() for a server starting up: a bad setting ends the process with its one line."""
    try:
        return get_settings()
    except ConfigError as exc:
        raise SystemExit(str(exc)) from None


def _comma_separated(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _var_sqlite(name: str) -> str:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{VAR_DIR / name}"


def _dev_action_secret() -> str:
    """var/action-server.secret, made on first use."""
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


def _dev_webchat_secret() -> str:
    """var/webchat-session.secret, made on first use."""
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


def rasa_env_defaults() -> dict[str, str]:
    """Values for the ${...} variables in endpoints.yml when the environment has none."""
    current = get_settings()
    return {
        "ACTION_ENDPOINT_URL": "http://127.0.0.1:5055/webhook",
        "ACTION_SERVER_SECRET": current.action_server_secret,
        "TRACKER_DIALECT": "sqlite",
        "TRACKER_DB_URL": current.tracker_db_url,
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
