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
