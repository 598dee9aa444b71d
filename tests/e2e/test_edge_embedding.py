"""The widget embedded in a company's own website: one pasted script tag, another origin.

Debian's Chromium opens pages served by a second local HTTP server on other ports (other
origins) against a Rasa server started with WIDGET_ALLOWED_ORIGINS listing one of them.
"""

from __future__ import annotations

import pytest
import requests
from host_site import CUSTOMER_HTTPS_ORIGIN
from playwright.sync_api import Page, expect

from bot import settings

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

ANSWER_TIMEOUT = 30_000  # ms
ARTIFACTS = settings.ROOT / "tests" / "artifacts"


@pytest.fixture
def page_errors() -> list[str]:
    return []


@pytest.fixture
def tab(browser, page_errors):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    yield page
    context.close()


def handshake(servers, origin: str | None, **headers) -> requests.Response:
    """The first request of socket.io's long-polling handshake, as a browser page sends it."""
    if origin:
        headers["Origin"] = origin
    return requests.get(
        f"{servers.rasa_url}/socket.io/",
        params={"EIO": "4", "transport": "polling"},
        headers=headers,
        timeout=10,
    )


def test_pasted_tag_on_an_allowed_origin_answers_a_typed_question(embedding, tab: Page, page_errors):
    tab.goto(embedding.allowed.origin + "/")
    tab.get_by_role("button", name="Chat with us").click()
    log = tab.get_by_role("log")
    expect(log).to_contain_text("Hello from our website!")  # the host page's data-greeting
    expect(tab.locator(".sc-send")).to_be_enabled(timeout=15_000)

    tab.get_by_label("Your message").fill("how are managed services billed?")
    tab.keyboard.press("Enter")
    expect(log).to_contain_text("subscription", timeout=ANSWER_TIMEOUT)
    # the widget's files came from the chat server, the page from the company's server
    assert tab.evaluate("document.querySelector('script[src$=\"widget.js\"]').src").startswith(
        embedding.servers.rasa_url
    )
    assert tab.evaluate("location.origin") == embedding.allowed.origin
    assert page_errors == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "widget-embedded.png"))


def test_page_on_an_origin_not_listed_is_refused(embedding, tab: Page):
    tried: list[str] = []
    tab.on("request", lambda request: tried.append(request.url) if "/socket.io/" in request.url else None)
    tab.goto(embedding.other.origin + "/")
    tab.get_by_role("button", name="Chat with us").click()
    expect(tab.locator(".sc-status")).to_have_text(
        "The chat is unavailable right now. Please try again later.", timeout=15_000
    )
    expect(tab.locator(".sc-send")).to_be_disabled()
    tab.get_by_label("Your message").fill("how are managed services billed?")
    tab.keyboard.press("Enter")
    tab.wait_for_timeout(3_000)  # the widget keeps retrying meanwhile; none gets through
    expect(tab.locator(".sc-bot")).to_have_count(1)  # the greeting only: no answer
    expect(tab.locator(".sc-user")).to_have_count(0)
    assert tried, "the browser never tried the socket.io handshake"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "widget-embedded-refused.png"))


def test_handshake_origins(embedding):
    servers = embedding.servers
    accepted = [embedding.allowed.origin, CUSTOMER_HTTPS_ORIGIN, servers.rasa_url, None]
    for origin in accepted:
        response = handshake(servers, origin)
        assert response.status_code == 200 and response.text.startswith("0{"), origin
        if origin and origin != servers.rasa_url:
            assert response.headers.get("Access-Control-Allow-Origin") == origin
    for origin in [embedding.other.origin, "https://evil.example", "null", "http://127.0.0.1"]:
        response = handshake(servers, origin)
        assert response.status_code == 400, origin
        assert "Access-Control-Allow-Origin" not in response.headers


def test_widget_files_load_into_other_origins_and_pages_stay_strict(embedding):
    base = embedding.servers.rasa_url + "/webhooks/webchat/"
    for name in ("widget.js", "widget.css", "vendor/socket.io.min.js"):
        response = requests.get(base + name, headers={"Origin": embedding.allowed.origin}, timeout=10)
        assert response.status_code == 200, name
        assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    page = requests.get(base, timeout=10)
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert "Cross-Origin-Resource-Policy" not in page.headers
