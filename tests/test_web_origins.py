"""WIDGET_ALLOWED_ORIGINS: parsing, refusals, and the origin policy given to python-engineio."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot import settings
from bot.origin_syntax import OriginError, parse_allowed_origins
from bot.settings import get_settings
from bot.web.origins import OriginPolicy, own_origin


@pytest.mark.parametrize(
    "entry, origin",
    [
        ("https://www.example.com", "https://www.example.com"),
        ("HTTPS://WWW.Example.COM/", "https://www.example.com"),  # case, trailing slash forgiven
        ("https://www.example.com:443", "https://www.example.com"),  # browsers omit default ports
        ("http://shop.example.com:80", "http://shop.example.com"),
        ("https://example.com:8443", "https://example.com:8443"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://[::1]:8080", "http://[::1]:8080"),
        ("https://xn--bcher-kva.example", "https://xn--bcher-kva.example"),
    ],
)
def test_origins_are_normalised_as_browsers_send_them(entry, origin):
    assert parse_allowed_origins(entry) == {origin}


def test_a_list_with_blanks_and_repeats():
    text = " https://a.example , ,https://b.example:8443,https://a.example/ "
    assert parse_allowed_origins(text) == {"https://a.example", "https://b.example:8443"}
    assert parse_allowed_origins("") == frozenset()
    assert parse_allowed_origins(None) == frozenset()


@pytest.mark.parametrize("entry", ["*", "https://*.example.com", "*.example.com", "['*']"])
def test_wildcards_are_refused(entry):
    with pytest.raises(OriginError, match="is refused"):
        parse_allowed_origins(f"https://ok.example,{entry}")


@pytest.mark.parametrize(
    "entry",
    [
        "www.example.com",  # no scheme
        "ftp://example.com",  # not a web origin
        "javascript:alert(1)",
        "https://example.com/chat",  # a page, not an origin
        "https://example.com?x=1",
        "https://example.com#top",
        "https://user@example.com",
        "https://example.com:99999",
        "https://exa mple.com",
        "https://bücher.example",  # browsers send the punycode form
        "https://",
        "null",  # the opaque origin of sandboxed frames and files
        "http://[zz::1]",
        "https://" + "a" * 400 + ".example",
    ],
)
def test_malformed_entries_are_refused_with_one_line(entry):
    with pytest.raises(OriginError) as caught:
        parse_allowed_origins(entry)
    message = str(caught.value)
    assert "is not an origin" in message and "\n" not in message
    assert len(message) < 200


def test_settings_function_reads_the_environment(monkeypatch):
    monkeypatch.delenv("WIDGET_ALLOWED_ORIGINS", raising=False)
    assert get_settings().widget_allowed_origins == frozenset()
    monkeypatch.setenv("WIDGET_ALLOWED_ORIGINS", "https://www.example.com,https://shop.example.com")
    assert get_settings().widget_allowed_origins == {"https://www.example.com", "https://shop.example.com"}
    monkeypatch.setenv("WIDGET_ALLOWED_ORIGINS", "https://www.example.com/chat")
    with pytest.raises(settings.ConfigError) as caught:
        get_settings()
    assert str(caught.value) == (
        "configuration error: WIDGET_ALLOWED_ORIGINS: 'https://www.example.com/chat' is not an "
        "origin: write scheme://host[:port], e.g. https://www.example.com (no path)"
    )


def environ(host="chat.example", proto=None, origin=None):
    env = {"HTTP_HOST": host, "wsgi.url_scheme": proto or "http", "REQUEST_METHOD": "GET"}
    if proto:
        env["HTTP_X_FORWARDED_PROTO"] = proto
    if origin:
        env["HTTP_ORIGIN"] = origin
    return env


def test_own_origin_follows_the_forwarded_scheme():
    assert own_origin(environ()) == "http://chat.example"
    assert own_origin(environ(proto="https")) == "https://chat.example"
    assert own_origin(environ(proto="https, http")) == "https://chat.example"  # first hop's
    assert own_origin(environ(proto="gopher")) == "http://chat.example"
    assert own_origin(environ(host="chat.example:443", proto="https")) == "https://chat.example"
    assert own_origin({"wsgi.url_scheme": "http"}) is None


def test_policy_accepts_own_origin_and_the_list_only():
    policy = OriginPolicy({"https://www.customer.example"})
    behind_tls = environ(proto="https")
    assert policy("https://chat.example", behind_tls)
    assert policy("https://www.customer.example", behind_tls)
    assert policy("https://WWW.customer.example", environ())
    assert not policy("https://evil.example", behind_tls)
    assert not policy("http://chat.example", behind_tls)  # scheme is part of the origin
    assert not policy("https://chat.example", environ())  # no TLS proxy said https
    assert not policy("https://www.customer.example.evil.example", behind_tls)
    assert not policy("null", behind_tls)
    assert not policy(None, behind_tls)
    # X-Forwarded-Host is not honoured (python-engineio's own same-origin check would)
    assert not policy("https://evil.example", {**behind_tls, "HTTP_X_FORWARDED_HOST": "evil.example"})


def test_requests_without_origin_are_not_browser_pages():
    policy = OriginPolicy()
    assert policy.allows_request(environ())
    assert policy.allows_request(environ(origin="http://chat.example"))
    assert not policy.allows_request(environ(origin="http://evil.example"))


def test_engineio_uses_the_policy_for_the_handshake_and_cors_headers():
    """The callable is what python-engineio calls (with the environ) for both decisions."""
    from engineio.base_server import BaseServer

    server = BaseServer(cors_allowed_origins=OriginPolicy({"https://www.customer.example"}))
    allowed = environ(proto="https", origin="https://www.customer.example")
    assert server._cors_allowed_origins(allowed) == ["https://www.customer.example"]
    assert ("Access-Control-Allow-Origin", "https://www.customer.example") in server._cors_headers(allowed)
    refused = environ(proto="https", origin="https://evil.example")
    assert server._cors_allowed_origins(refused) == []
    assert not any(name == "Access-Control-Allow-Origin" for name, _ in server._cors_headers(refused))


@pytest.mark.parametrize("value", ["*", "https://example.com/chat"])
def test_rasa_server_refuses_to_start_with_a_bad_setting(value, tmp_path):
    """`rasa run` stops while registering the channel, before loading a model: one line, exit 1."""
    env = settings.rasa_env({"WIDGET_ALLOWED_ORIGINS": value, "TRACKER_DB_URL": f"sqlite:///{tmp_path}/t.db"})
    rasa = str(settings.ROOT / ".venv" / "bin" / "rasa")
    done = subprocess.run(
        [
            rasa,
            "run",
            "--port",
            "0",
            "--credentials",
            "credentials.yml",
            "--endpoints",
            "endpoints.yml",
            "--model",
            str(tmp_path / "none.tar.gz"),
        ],
        cwd=settings.ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 1, done.stderr[-2000:]
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("configuration error: WIDGET_ALLOWED_ORIGINS: "), done.stderr[-2000:]


def test_bot_run_refuses_to_start_with_a_bad_setting(tmp_path):
    env = settings.rasa_env({"WIDGET_ALLOWED_ORIGINS": "*", "RASA_PORT": "1", "ACTION_PORT": "2"})
    done = subprocess.run(
        [sys.executable, "-m", "bot.serve"],
        cwd=settings.ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "configuration error: WIDGET_ALLOWED_ORIGINS: '*' is refused: list each origin that may "
        "embed the widget, e.g. https://www.example.com"
    ]
    assert "starting" not in done.stdout
