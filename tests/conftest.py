"""Shared fixtures: real databases, no mocks.

`db_url` runs a test once on a fresh SQLite file and once on a fresh PostgreSQL schema.
PostgreSQL missing -> skip with the reason; with REQUIRE_SERVICES=1 (CI) -> fail instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.settings import get_settings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES") == "1"


def unavailable(reason: str) -> None:
    """Skip on a laptop without the service; fail in CI, where it must be there."""
    if services_required():
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1, so this is an error)", pytrace=False)
    pytest.skip(reason)


@lru_cache(maxsize=1)
def postgres_problem() -> str | None:
    """None when PostgreSQL answers, else why not (checked once per test run)."""
    try:
        import psycopg2

        psycopg2.connect(POSTGRES_URL, connect_timeout=3).close()
        return None
    except Exception as exc:  # any driver or network failure means "not available"
        detail = str(exc).strip().splitlines()
        return detail[0] if detail else type(exc).__name__


def postgres_admin(sql: str, database: str | None = None) -> None:
    """Run one statement on the test server outside a transaction (CREATE/DROP DATABASE, roles)."""
    import psycopg2

    dsn = make_url(POSTGRES_URL)
    conn = psycopg2.connect(
        host=dsn.host,
        port=dsn.port or 5432,
        user=dsn.username,
        password=dsn.password,
        dbname=database or dsn.database,
        connect_timeout=5,
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


@contextmanager
def fresh_database(backend: str, directory: Path) -> Iterator[str]:
    """URL of an empty database, removed afterwards.

    "sqlite": a file in `directory`; "postgres": a uniquely named schema on the test
    server (search_path set in the URL), so parallel runs never collide.
    """
    if backend == "sqlite":
        yield f"sqlite:///{directory / 'test.db'}"
        return
    problem = postgres_problem()
    if problem:
        unavailable(f"PostgreSQL at {POSTGRES_URL} is unreachable: {problem}")
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, future=True)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


# For module-scoped fixtures: params=BACKENDS, then `with fresh_database(request.param, dir)`.
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def database_factory():
    """`fresh_database` for fixtures of wider scope than `db_url` (e.g. one DB per module)."""
    return fresh_database


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    """URL of an empty database per test: SQLite file in tmp_path, or a fresh PostgreSQL schema."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def engine(db_url):
    """Engine on `db_url` with every migration applied."""
    from bot import db

    db.upgrade(db_url)
    eng = db.make_engine(db_url)
    yield eng
    eng.dispose()


class SettingsMonkeyPatch(pytest.MonkeyPatch):
    """pytest's monkeypatch, whose environment changes reach the code under test.

    A process reads its settings once (bot.settings.get_settings is cached); a test that sets
    or removes a variable, and the undo at its end, drop the cached settings so the next
    reader sees the environment as it is now.
    """

    def setenv(self, name: str, value: str, prepend: str | None = None) -> None:
        super().setenv(name, value, prepend)
        get_settings.cache_clear()

    def delenv(self, name: str, raising: bool = True) -> None:
        super().delenv(name, raising)
        get_settings.cache_clear()

    def undo(self) -> None:
        super().undo()
        get_settings.cache_clear()


@pytest.fixture
def monkeypatch() -> Iterator[pytest.MonkeyPatch]:
    """Replaces pytest's own fixture of that name for every test here (see SettingsMonkeyPatch)."""
    patch = SettingsMonkeyPatch()
    yield patch
    patch.undo()


@pytest.fixture(autouse=True)
def _private_lead_spool(tmp_path_factory, monkeypatch):
    """Every test spools leads into a folder of its own, never into the project's var/."""
    monkeypatch.setenv("LEAD_SPOOL_DIR", str(tmp_path_factory.mktemp("spool")))


@pytest.fixture
def catalogue_file(tmp_path):
    """A private, editable copy of data/catalogue.yml."""
    src = os.path.join(ROOT, "data", "catalogue.yml")
    dst = tmp_path / "catalogue.yml"
    with open(src, encoding="utf-8") as fh:
        dst.write_text(fh.read(), encoding="utf-8")
    return dst


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    """URL of a SQLite file with the shipped catalogue loaded (one per test module)."""
    from bot.catalogue import loader

    url = f"sqlite:///{tmp_path_factory.mktemp('catalogue') / 'sales.db'}"
    loader.load_into(url)
    return url
