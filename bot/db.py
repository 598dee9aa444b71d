"""Engine, sessions and schema migrations shared by bot.catalogue and bot.sales.

SQLAlchemy 1.4 in 2.0 style (future=True). SQLite is the embedded default;
PostgreSQL is the production database. The schema is owned by Alembic
(bot/migrations); `upgrade()` brings any database to the newest revision.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine, Row, make_url
from sqlalchemy.orm import Session, configure_mappers, declarative_base, sessionmaker

from bot.settings import get_settings

Base = declarative_base()

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Every module that maps tables on Base (see load_models).
MODEL_MODULES = ("bot.catalogue.models", "bot.sales.models", "bot.ratings")


def load_models() -> None:
    """Import every mapped class and configure the mappers, once, up front.

    A process that starts worker threads (the action server) must call this first: the
    first query configures all mappers, and if a thread runs it while another is still
    importing a models module, the half-defined classes break every later query.
    """
    for name in MODEL_MODULES:
        importlib.import_module(name)
    configure_mappers()


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # WAL lets the action server write while the CLI reads; busy_timeout waits out
    # short write locks instead of failing with "database is locked".
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def make_engine(url: str | None = None) -> Engine:
    url = url or get_settings().sales_db_url
    kwargs: dict = {"future": True, "pool_pre_ping": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 10}
    else:
        kwargs["connect_args"] = {"connect_timeout": 5}
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """One engine (and connection pool) per URL per process."""
    return make_engine(url)


def get_engine() -> Engine:
    return engine_for(get_settings().sales_db_url)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    factory = sessionmaker(bind=engine or get_engine(), future=True, expire_on_commit=False)
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(url: str | None = None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", (url or get_settings().sales_db_url).replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Apply every pending migration (idempotent)."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def tracker_events(tracker_url: str, sql: str, params: dict[str, Any]) -> list[Row]:
    """The rows of a query on Rasa's tracker store (its `events` table), read with an engine of
    its own that is closed afterwards; [] while the table does not exist (no conversation yet)."""
    engine = create_engine(tracker_url, future=True)
    try:
        if not inspect(engine).has_table("events"):
            return []
        with engine.connect() as conn:
            return list(conn.execute(text(sql), params).all())
    finally:
        engine.dispose()


def utcnow() -> datetime:
    """Aware UTC now: what every timestamp column stores."""
    return datetime.now(timezone.utc)


def safe_url(url: str) -> str:
    """A database URL fit for a message: password hidden, or a placeholder when unparsable."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<invalid URL>"


def error_line(exc: BaseException) -> str:
    """The first line of a (driver) error: no traceback, no SQL, no parameters."""
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
