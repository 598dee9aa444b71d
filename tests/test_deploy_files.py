"""deploy/ without Docker: the compose file's shape, nginx -t, the database roles, Redis AUTH.

The roles script runs on the real PostgreSQL server (unique names, removed afterwards), and
the lock store is built from endpoints.yml against a real redis-server with a password.
"""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
import socket
import subprocess
import time
import uuid

import pytest
import yaml
from nginx_runner import DEPLOY, NGINX, check, nginx_available, render
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from bot import settings
from bot.serve import free_port

COMPOSE = DEPLOY / "docker-compose.yml"
# the test server of tests/conftest.py (its helpers are not importable from here: tests/e2e
# has a conftest module of its own)
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def unavailable(reason: str) -> None:
    """Skip on a laptop without the service; fail in CI (REQUIRE_SERVICES=1)."""
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1, so this is an error)", pytrace=False)
    pytest.skip(reason)


def postgres_admin(sql: str) -> list:
    """One statement as the test server's superuser, outside a transaction."""
    engine = create_engine(POSTGRES_URL, future=True, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            result = conn.execute(text(sql))
            return result.fetchall() if result.returns_rows else []
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())  # PyYAML resolves the <<: merge keys


def test_every_container_has_a_memory_limit(compose):
    limits = {name: service.get("mem_limit") for name, service in compose["services"].items()}
    assert all(re.fullmatch(r"\d+[mg]", str(limit)) for limit in limits.values()), limits


def test_only_nginx_publishes_a_port_on_loopback_by_default(compose):
    published = {
        name: service["ports"] for name, service in compose["services"].items() if "ports" in service
    }
    assert published == {"nginx": ["${HTTP_BIND:-127.0.0.1}:${HTTP_PORT:-80}:80"]}


def database_urls(compose) -> dict[str, dict[str, str]]:
    urls: dict[str, dict[str, str]] = {}
    for name, service in compose["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if isinstance(value, str) and value.startswith("postgresql://"):
                urls.setdefault(name, {})[key] = value
    return urls


def test_each_service_uses_its_own_database_role_never_the_superuser(compose):
    roles = {
        name: {key: make_url(re.sub(r"\$\{[^}]*\}", "pw", url)).username for key, url in urls.items()}
        for name, urls in database_urls(compose).items()
    }
    assert roles == {
        # the sales database as the actions' role: incidents and their alerts (bot.sales.incidents)
        "rasa-1": {"TRACKER_DB_URL": "rasa_tracker", "SALES_DB_URL": "sales_actions"},
        "rasa-2": {"TRACKER_DB_URL": "rasa_tracker", "SALES_DB_URL": "sales_actions"},
        "actions-1": {"SALES_DB_URL": "sales_actions"},
        "actions-2": {"SALES_DB_URL": "sales_actions"},
        "db-setup": {"SALES_DB_URL": "sales_owner", "TRACKER_DB_URL": "sales_owner"},
    }
    for name, service in compose["services"].items():
        if name != "postgres":  # the superuser's password stays in its own container
            assert "POSTGRES_PASSWORD" not in str(service.get("environment")), name


def test_redis_needs_a_password_and_rasa_sends_it(compose):
    services = compose["services"]
    assert "--requirepass" in " ".join(services["redis"]["command"])
    assert services["redis"]["environment"]["REDIS_PASSWORD"].startswith("${REDIS_PASSWORD:?")
    for rasa in ("rasa-1", "rasa-2"):
        assert services[rasa]["environment"]["LOCK_STORE_PASSWORD"].startswith("${REDIS_PASSWORD:?")
        assert services[rasa]["environment"]["WIDGET_ALLOWED_ORIGINS"] == "${WIDGET_ALLOWED_ORIGINS:-}"


def test_replicas_share_the_session_secret_and_trust_only_nginx(compose):
    """Both replicas verify each other's widget sessions; X-Forwarded-For counts from nginx only."""
    rasa = [compose["services"][name]["environment"] for name in ("rasa-1", "rasa-2")]
    assert all(
        env["WEBCHAT_SESSION_SECRET"] == "${WEBCHAT_SESSION_SECRET:?set WEBCHAT_SESSION_SECRET}"
        for env in rasa
    )
    nginx_ip = compose["services"]["nginx"]["networks"]["default"]["ipv4_address"]
    assert all(env["TRUSTED_PROXIES"] == nginx_ip for env in rasa)
    subnet = compose["networks"]["default"]["ipam"]["config"][0]["subnet"]
    assert ipaddress.ip_address(nginx_ip) in ipaddress.ip_network(subnet)


def test_nginx_conf_passes_the_forwarded_scheme_and_limits(compose):
    conf = (DEPLOY / "nginx.conf").read_text() + (DEPLOY / "nginx-locations.conf").read_text()
    assert "X-Forwarded-Proto $scheme" not in conf
    assert conf.count("proxy_set_header X-Forwarded-Proto $forwarded_proto;") == 2
    assert "client_max_body_size 16k;" in conf
    assert conf.count("limit_req zone=") == 2 and conf.count("limit_conn per_client") == 2
    mounts = compose["services"]["nginx"]["volumes"]
    assert "./nginx-locations.conf:/etc/nginx/nginx-locations.conf:ro" in mounts


@pytest.fixture
def nginx_binary():
    if not nginx_available():
        unavailable(f"{NGINX} not found: make nginx (apt-get install -y nginx)")


@pytest.mark.parametrize("tls_example", [False, True], ids=["nginx.conf", "with nginx-tls.conf.example"])
def test_nginx_t_passes_with_hosts_mapped(nginx_binary, tmp_path, tls_example):
    conf = render(tmp_path, "127.0.0.1:5005", f"127.0.0.1:{free_port()}", tls_example=tls_example)
    done = check(conf)
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr


# --- initdb/roles.psql on a real PostgreSQL ----------------------------------------------
@pytest.fixture
def roles():
    """The roles script run with unique database and role names; everything dropped after."""
    try:
        postgres_admin("SELECT 1")
    except DBAPIError as exc:
        unavailable(f"PostgreSQL at {POSTGRES_URL} is unreachable: {str(exc).splitlines()[0]}")
    if not shutil.which("psql"):
        unavailable("psql not found (apt-get install -y postgresql-client)")
    tag = uuid.uuid4().hex[:8]
    names = {
        "sales_db": f"sales_{tag}", "tracker_db": f"rasa_{tag}", "owner_role": f"sales_owner_{tag}",
        "actions_role": f"sales_actions_{tag}", "tracker_role": f"rasa_tracker_{tag}",
    }  # fmt: skip
    url = make_url(POSTGRES_URL)
    args = ["psql", "-v", "ON_ERROR_STOP=1", "-h", url.host, "-p", str(url.port or 5432), "-U", url.username,
            "-d", url.database, "-f", str(DEPLOY / "initdb" / "roles.psql")]  # fmt: skip
    for name, value in {
        **names,
        "owner_password": "o",
        "actions_password": "a",
        "tracker_password": "t",
    }.items():
        args[1:1] = ["-v", f"{name}={value}"]
    env = {**os.environ, "PGPASSWORD": url.password or ""}
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=60, env=env)
        assert done.returncode == 0, done.stderr
        yield names
    finally:
        for database in (names["sales_db"], names["tracker_db"]):
            postgres_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        for role in ("owner_role", "actions_role", "tracker_role"):
            if postgres_admin(f"SELECT 1 FROM pg_roles WHERE rolname = '{names[role]}'"):
                postgres_admin(f'DROP OWNED BY "{names[role]}"')
                postgres_admin(f'DROP ROLE "{names[role]}"')


def as_role(role: str, database: str) -> str:
    url = make_url(POSTGRES_URL).set(username=role, password=None, database=database)
    return url.render_as_string(hide_password=False)


def run(url: str, *statements: str) -> list:
    engine = create_engine(url, future=True)
    try:
        with engine.begin() as conn:
            return [conn.execute(text(sql)).fetchall() if sql.lstrip().upper().startswith("SELECT")
                    else conn.execute(text(sql)) and None for sql in statements]  # fmt: skip
    finally:
        engine.dispose()


def refused(url: str, sql: str = "SELECT 1") -> bool:
    try:
        run(url, sql)
    except DBAPIError as exc:
        return "permission denied" in str(exc) or "must be owner" in str(exc)
    return False


def test_each_role_has_only_its_rights(roles):
    from bot import db
    from bot.catalogue import loader

    owner_sales = as_role(roles["owner_role"], roles["sales_db"])
    actions_sales = as_role(roles["actions_role"], roles["sales_db"])
    tracker_db = as_role(roles["tracker_role"], roles["tracker_db"])
    owner_tracker = as_role(roles["owner_role"], roles["tracker_db"])

    # db-setup: the migrations and the catalogue, as the owner
    db.upgrade(owner_sales)
    loader.load_into(owner_sales)
    # Rasa: creates its tables in its own database
    run(tracker_db, "CREATE TABLE events (id serial PRIMARY KEY, sender_id text, data text)",
        "INSERT INTO events (sender_id, data) VALUES ('s1', '{}'), ('s2', '{}')")  # fmt: skip

    # action servers: rows of the sales tables, nothing more
    assert run(actions_sales, "SELECT count(*) FROM services")[0][0][0] > 0
    run(actions_sales, "UPDATE services SET name = name WHERE false", "DELETE FROM outbox WHERE false")
    assert refused(actions_sales, "CREATE TABLE forged (id int)")
    assert refused(actions_sales, "DROP TABLE leads")
    assert refused(actions_sales, "ALTER TABLE leads ADD COLUMN forged int")
    assert refused(actions_sales, "TRUNCATE leads")
    assert refused(as_role(roles["actions_role"], roles["tracker_db"]))  # no CONNECT

    # Rasa's role: nothing in the sales database
    assert refused(as_role(roles["tracker_role"], roles["sales_db"]))

    # the owner (bot leads show / forget / purge): read and delete conversations, no more
    assert run(owner_tracker, "SELECT count(*) FROM events")[0][0][0] == 2
    run(owner_tracker, "DELETE FROM events WHERE sender_id = 's1'")
    assert refused(owner_tracker, "UPDATE events SET data = 'x'")
    assert refused(owner_tracker, "DROP TABLE events")
    assert run(tracker_db, "SELECT count(*) FROM events")[0][0][0] == 1


# --- Redis AUTH through endpoints.yml ------------------------------------------------------
@pytest.fixture
def redis_with_password(tmp_path):
    if not shutil.which("redis-server"):
        unavailable("redis-server not found (apt-get install -y redis-server)")
    port, password = free_port(), uuid.uuid4().hex
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--requirepass", password, "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)
        yield port, password
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def lock_store_from_endpoints(monkeypatch, port: int, password: str):
    from rasa.core.lock_store import LockStore
    from rasa.core.utils import AvailableEndpoints

    env = settings.rasa_env({"LOCK_STORE_TYPE": "redis", "LOCK_STORE_HOST": "127.0.0.1",
                             "LOCK_STORE_PORT": str(port), "LOCK_STORE_PASSWORD": password})  # fmt: skip
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    endpoints = AvailableEndpoints.read_endpoints(str(settings.ROOT / "endpoints.yml"))
    return LockStore.create(endpoints.lock_store)


def test_lock_store_sends_the_redis_password(monkeypatch, redis_with_password):
    import redis

    port, password = redis_with_password
    store = lock_store_from_endpoints(monkeypatch, port, password)
    lock = store.get_or_create_lock("deploy-test")
    assert lock.conversation_id == "deploy-test"
    assert store.red.ping()
    with pytest.raises(redis.exceptions.AuthenticationError):
        lock_store_from_endpoints(monkeypatch, port, "wrong").red.ping()
    with pytest.raises(redis.exceptions.AuthenticationError):
        lock_store_from_endpoints(monkeypatch, port, "").red.ping()


# --- the same promises as `bot run`: restarted when they die, health checked -----------------
ONE_SHOT = {"db-setup"}  # runs once before the servers (service_completed_successfully)


def test_every_server_is_restarted_and_health_checked(compose):
    for name, service in compose["services"].items():
        if name in ONE_SHOT:
            assert service["restart"] == "no" and "healthcheck" not in service, name
            continue
        assert service.get("restart") in ("unless-stopped", "always"), name
        check = service.get("healthcheck") or {}
        assert check.get("test") and not check.get("disable"), name
        assert {"interval", "timeout", "retries"} <= set(check), name
    waited_for = {
        (name, dependency): condition["condition"]
        for name, service in compose["services"].items()
        for dependency, condition in (service.get("depends_on") or {}).items()
    }
    for (name, dependency), condition in waited_for.items():
        expected = "service_completed_successfully" if dependency in ONE_SHOT else "service_healthy"
        assert condition == expected, (name, dependency)


def test_health_checks_ask_the_parts_that_say_what_is_down(compose):
    services = compose["services"]
    for rasa in ("rasa-1", "rasa-2"):
        # bot/web/health.py: 503 when the lock store, the tracker store or the action server is down
        assert "http://127.0.0.1:5005/webhooks/health/" in " ".join(services[rasa]["healthcheck"]["test"])
        assert services[rasa]["depends_on"]["actions-" + rasa[-1]] == {"condition": "service_healthy"}
    for actions in ("actions-1", "actions-2"):
        assert "http://127.0.0.1:5055/health" in " ".join(services[actions]["healthcheck"]["test"])


def test_our_servers_get_signals_in_every_phase(compose):
    """tini as PID 1 passes `docker compose stop`'s SIGTERM on, also while the model loads."""
    for name in ("rasa-1", "rasa-2", "actions-1", "actions-2"):
        assert compose["services"][name]["init"] is True, name
