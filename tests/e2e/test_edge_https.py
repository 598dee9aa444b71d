"""The real nginx with deploy/nginx.conf in front of a real Rasa server, as behind a TLS proxy.

The test process plays the TLS proxy (it connects from 127.0.0.1, which nginx.conf trusts)
and, from 127.0.0.2, a client that nginx does not trust. python-engineio decides on the
socket.io handshake from Origin, Host and the X-Forwarded-Proto that nginx passes on.
"""

from __future__ import annotations

import base64
import http.client
import os
import socket
from urllib.parse import urlsplit

import pytest
import requests
from host_site import CUSTOMER_HTTPS_ORIGIN
from nginx_runner import NGINX, nginx_available, running

pytestmark = pytest.mark.e2e

HANDSHAKE = "/socket.io/?EIO=4&transport=polling"
HEALTH = "/webhooks/webchat/health"


@pytest.fixture(scope="module")
def nginx(embedding, tmp_path_factory):
    if not nginx_available():
        reason = f"{NGINX} not found: make nginx (apt-get install -y nginx)"
        if os.environ.get("REQUIRE_SERVICES"):
            pytest.fail(reason)
        pytest.skip(reason)
    upstream = urlsplit(embedding.servers.rasa_url).netloc
    with running(tmp_path_factory.mktemp("nginx"), upstream) as url:
        yield url


def get(base: str, path: str, headers: dict[str, str], source: str = "127.0.0.1") -> tuple[int, dict, str]:
    """GET through nginx from `source` (127.0.0.2: a client nginx does not trust)."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=15, source_address=(source, 0))
    try:
        conn.putrequest("GET", path, skip_host=True)
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode(errors="replace")
    finally:
        conn.close()


def behind_tls(origin: str, host: str = "chat.example") -> dict[str, str]:
    return {"Host": host, "Origin": origin, "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}


def test_https_origin_of_the_chat_server_is_accepted(nginx):
    status, headers, body = get(nginx, HANDSHAKE, behind_tls("https://chat.example"))
    assert status == 200 and body.startswith("0{"), body


def test_other_https_origins_are_refused(nginx):
    for origin in ["https://evil.example", "http://chat.example", "https://chat.example.evil.example"]:
        status, headers, body = get(nginx, HANDSHAKE, behind_tls(origin))
        assert status == 400 and "not an accepted origin" in body, origin
        assert "Access-Control-Allow-Origin" not in headers


def test_listed_https_origin_gets_cors_headers(nginx):
    status, headers, body = get(nginx, HANDSHAKE, behind_tls(CUSTOMER_HTTPS_ORIGIN))
    assert status == 200 and body.startswith("0{")
    assert headers["Access-Control-Allow-Origin"] == CUSTOMER_HTTPS_ORIGIN


def test_forwarded_proto_from_an_untrusted_client_is_replaced(nginx):
    untrusted = behind_tls("https://chat.example")
    status, _, body = get(nginx, HANDSHAKE, untrusted, source="127.0.0.2")
    assert status == 400, "nginx passed on a client's own X-Forwarded-Proto"
    # what nginx tells Rasa instead is its own scheme, http
    status, _, body = get(
        nginx, HANDSHAKE, {**untrusted, "Origin": "http://chat.example"}, source="127.0.0.2"
    )
    assert status == 200 and body.startswith("0{")


def websocket_upgrade(base: str, origin: str) -> str:
    """The status line nginx returns for a socket.io websocket handshake (no long-polling)."""
    parts = urlsplit(base)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
        f"Host: chat.example\r\nOrigin: {origin}\r\nX-Forwarded-Proto: https\r\n"
        f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n"
    )
    with socket.create_connection((parts.hostname, parts.port), timeout=15) as conn:
        conn.sendall(request.encode())
        return conn.recv(4096).decode(errors="replace").split("\r\n")[0]


def test_websocket_upgrade_through_nginx(nginx):
    assert " 101 " in websocket_upgrade(nginx, "https://chat.example")
    assert " 400 " in websocket_upgrade(nginx, "https://evil.example")


def test_rest_channel_is_not_public(nginx, embedding):
    message = {"sender": "nginx-test", "message": "hello"}
    assert requests.post(nginx + "/webhooks/rest/webhook", json=message, timeout=10).status_code == 404
    assert requests.post(embedding.servers.rest_url, json=message, timeout=60).status_code == 200  # direct


def test_chat_page_and_widget_through_nginx(nginx):
    page = requests.get(nginx + "/", timeout=10)
    assert page.status_code == 200 and page.url.endswith("/webhooks/webchat/")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    widget = requests.get(nginx + "/webhooks/webchat/widget.js", timeout=10)
    assert widget.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert requests.get(nginx + "/webhooks/anything-else/../../api/status", timeout=10).status_code == 404


def test_bodies_over_the_channel_limit_are_refused_politely(nginx):
    small = requests.post(nginx + HANDSHAKE, data="x" * 8_000, timeout=10)
    assert small.status_code != 413  # (a bad socket.io request, but within the limit)
    large = requests.post(nginx + HANDSHAKE, data="x" * 20_000, timeout=10)
    assert large.status_code == 413
    assert large.text == "That message is too large. Please send a shorter one.\n"


def test_rate_limit_per_client_address(nginx):
    """60 requests at once from one address: the burst passes, the rest get a polite 429."""
    statuses = []
    with requests.Session() as session:
        for _ in range(60):
            response = session.get(nginx + HEALTH, headers={"X-Forwarded-For": "198.51.100.7"}, timeout=10)
            statuses.append(response.status_code)
            if response.status_code == 429:
                too_many = response
    assert statuses.count(200) >= 30 and statuses.count(429) >= 10, statuses
    assert too_many.text.startswith("Too many requests from your address.")
    assert too_many.headers["Retry-After"] == "5"
    # another visitor (another forwarded address) is not held back
    other = requests.get(
        nginx + "/webhooks/webchat/health", headers={"X-Forwarded-For": "198.51.100.8"}, timeout=10
    )
    assert other.status_code == 200
