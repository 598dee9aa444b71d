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


def privacy_url() -> str:
    """The privacy notice linked in the lead form's consent question."""
    return os.environ.get("PRIVACY_URL", "/webhooks/webchat/privacy")


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
