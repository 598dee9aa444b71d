"""The website chat widget in Debian's Chromium, against the real action and Rasa servers.

The page, the widget and socket.io come from the Rasa server's own port (the
`bot.web.channel.WebChatInput` channel in credentials.yml).
"""

from __future__ import annotations

import queue
import socket
import uuid

import pytest
import requests
import socketio
from playwright.sync_api import Page, expect

from bot import settings
from bot.serve import Servers
from bot.web.channel import page_url

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PAGE_PATH = "/webhooks/webchat/"
ARTIFACTS = settings.ROOT / "tests" / "artifacts"
ANSWER_TIMEOUT = 30_000  # ms


@pytest.fixture
def dialogs() -> list[str]:
    return []


@pytest.fixture
def page(browser, servers, dialogs):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    tab = context.new_page()
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    tab.goto(servers.rasa_url + PAGE_PATH)
    yield tab
    context.close()


def open_widget(page: Page) -> None:
    page.get_by_role("button", name="Chat with us").click()
    expect(page.locator(".sc-send")).to_be_enabled(timeout=15_000)


def ask(page: Page, text: str) -> None:
    """Type and send a message; wait until the bot answers (with one message or more)."""
    bots = page.locator(".sc-bot").count()
    page.get_by_label("Your message").fill(text)
    page.keyboard.press("Enter")
    expect(page.locator(".sc-bot")).not_to_have_count(bots, timeout=ANSWER_TIMEOUT)


def log(page: Page):
    return page.get_by_role("log")


def test_page_is_served_with_a_strict_policy(servers):
    page = requests.get(servers.rasa_url + PAGE_PATH, timeout=10)
    assert page.headers["Content-Type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "Access-Control-Allow-Origin" not in page.headers
    assert page.text.count("<script") == 1
    widget = requests.get(servers.rasa_url + PAGE_PATH + "widget.js", timeout=10)
    assert widget.headers["Content-Type"].startswith("application/javascript")
    assert "innerHTML" not in widget.text
    vendor = requests.get(servers.rasa_url + PAGE_PATH + "vendor/socket.io.min.js", timeout=10)
    assert vendor.status_code == 200, "run bot/web/build.sh"
    privacy = requests.get(servers.rasa_url + PAGE_PATH + "privacy", timeout=10)
    assert "automated assistant" in privacy.text


def test_question_quick_reply_and_screenshot(page):
    open_widget(page)
    expect(page.get_by_text("automated assistant")).to_be_visible()
    expect(log(page)).to_contain_text("Hi! I can explain")  # the page's greeting
    ask(page, "how are managed services billed?")
    expect(log(page)).to_contain_text("subscription", timeout=ANSWER_TIMEOUT)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "widget.png"))

    page.get_by_role("button", name="Relationship").click()
    expect(page.locator(".sc-user").last).to_have_text("You: Relationship")
    expect(log(page)).to_contain_text("transactional", timeout=ANSWER_TIMEOUT)


def test_conversation_survives_a_reload(page):
    open_widget(page)
    ask(page, "how are managed services billed?")
    expect(log(page)).to_contain_text("subscription", timeout=ANSWER_TIMEOUT)
    session = page.evaluate("localStorage.getItem('sourcingchat:session')")

    page.reload()
    expect(log(page)).to_contain_text("how are managed services billed?")
    expect(log(page)).to_contain_text("subscription")
    assert page.evaluate("localStorage.getItem('sourcingchat:session')") == session
    # the server kept the context too: a follow-up fragment continues the topic
    expect(page.locator(".sc-send")).to_be_enabled(timeout=15_000)
    ask(page, "and outsourcing?")
    expect(log(page)).to_contain_text("time & material", timeout=ANSWER_TIMEOUT)


def test_markup_is_shown_as_text(page, dialogs):
    attack = "<img src=x onerror=alert(1)>"
    open_widget(page)
    ask(page, attack)
    expect(page.locator(".sc-user").last).to_have_text("You: " + attack)
    page.reload()
    expect(page.locator(".sc-user").last).to_have_text("You: " + attack)
    page.wait_for_timeout(500)
    assert page.locator(".sc-root img").count() == 0
    assert dialogs == []


def test_keyboard_only(page):
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('sc-launcher')"):
            break
    else:
        pytest.fail("the launcher cannot be reached with Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Your message")).to_be_focused()
    expect(page.locator(".sc-send")).to_be_enabled(timeout=15_000)
    page.keyboard.type("how are managed services billed?")
    page.keyboard.press("Enter")
    expect(log(page)).to_contain_text("subscription", timeout=ANSWER_TIMEOUT)
    expect(page.locator(".sc-reply").first).to_be_visible()

    for _ in range(10):  # quick replies sit above the input: Shift+Tab back to them
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.classList.contains('sc-reply')"):
            break
    else:
        pytest.fail("no quick reply can be reached with the keyboard")
    title = page.evaluate("document.activeElement.textContent")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focused quick reply has no visible outline"
    bots = page.locator(".sc-bot").count()
    page.keyboard.press("Enter")
    expect(page.locator(".sc-user").last).to_have_text("You: " + title, timeout=5_000)
    # some answers come as two messages ("Talk to sales": intro + first question)
    expect(page.locator(".sc-bot")).not_to_have_count(bots, timeout=ANSWER_TIMEOUT)


def fill_lead_form(page: Page, email: str) -> None:
    """Type and click through the whole lead form in the widget (a qualified lead)."""
    open_widget(page)
    ask(page, "I'd like a quote")
    expect(log(page)).to_contain_text("What's your name?", timeout=ANSWER_TIMEOUT)
    for text, expected in [
        ("Wanda Widget", "e-mail"),
        (email, "Which company"),
        ("Widget Works", "How many people"),
    ]:
        ask(page, text)
        expect(log(page)).to_contain_text(expected, timeout=ANSWER_TIMEOUT)
    for button, expected in [
        ("51-200", "Which service"),
        ("Managed helpdesk", "budget"),  # the service tells the model
        ("5k-15k/month", "start"),
        ("1-3 months", "role"),
        ("I decide", "phone number"),
        ("Skip", "privacy notice"),
        ("Yes, contact me", "Shall I send it?"),
        ("Yes, send it", "get in touch"),
    ]:
        page.get_by_role("button", name=button, exact=True).click()
        expect(log(page)).to_contain_text(expected, timeout=ANSWER_TIMEOUT)


def test_lead_form_completed_in_the_widget(page, bot_cli):
    email = f"widget-{uuid.uuid4().hex[:8]}@acme-widget.com"
    fill_lead_form(page, email)
    leads = [lead for lead in bot_cli("leads", "list", "--json", as_json=True) if lead["email"] == email]
    assert len(leads) == 1
    assert leads[0]["service"] == "managed-helpdesk" and leads[0]["company_size"] == "51-200"
    assert leads[0]["page_url"].endswith(PAGE_PATH)  # the page the visitor chatted from


def test_too_long_message_is_refused_in_the_widget(page):
    open_widget(page)
    box = page.get_by_label("Your message")
    box.fill("x" * 1001)
    assert len(box.input_value()) <= 1000  # maxlength stops typing and pasting
    # a value set by script bypasses maxlength: the widget still refuses it
    box.evaluate("(el) => { el.value = 'y'.repeat(1001); el.dispatchEvent(new Event('input')); }")
    expect(page.locator(".sc-hint")).to_contain_text("too long")
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)
    assert page.locator(".sc-user").count() == 0


def test_too_long_message_is_refused_by_the_server(servers):
    client = socketio.Client(reconnection=False)
    replies: queue.Queue = queue.Queue()
    confirmed: queue.Queue = queue.Queue()
    client.on("bot_uttered", replies.put)
    client.on("session_confirm", confirmed.put)
    session_id = uuid.uuid4().hex
    client.connect(servers.rasa_url, socketio_path="socket.io", transports=["polling"])
    try:
        client.emit("session_request", {"session_id": session_id})
        confirmed.get(timeout=15)
        client.emit("user_uttered", {"message": "z" * 1001, "session_id": session_id})
        assert "too long" in replies.get(timeout=15)["text"]
    finally:
        client.disconnect()


def test_page_url_metadata_keeps_no_query():
    assert page_url({"page_url": "https://example.com/a?email=x@y.z#f"}) == "https://example.com/a"
    assert page_url({"page_url": "javascript:alert(1)"}) is None
    assert page_url("not json") is None


@pytest.mark.timeout(600)
def test_reconnecting_state_and_recovery(browser, servers, e2e_env, tmp_path):
    """A second Rasa server (sharing the action server) is stopped, then restarted."""
    env = dict(
        e2e_env,
        TRACKER_DB_URL=f"sqlite:///{tmp_path / 'tracker.db'}",
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{servers.action_port}/webhook",
    )
    with socket.socket() as probe:  # a free port, kept for the restart
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    second = Servers(
        rasa_port=port,
        action_port=servers.action_port,
        start_actions=False,
        env_overrides=env,
        log_dir=settings.VAR_DIR / "logs" / "e2e",
    )
    second.start()
    context = browser.new_context(viewport={"width": 375, "height": 740})
    try:
        page = context.new_page()
        page.goto(second.rasa_url + PAGE_PATH)
        open_widget(page)
        second.stop()
        expect(page.get_by_role("status")).to_contain_text("Reconnecting", timeout=30_000)
        expect(page.locator(".sc-send")).to_be_disabled()
        second.start()
        expect(page.get_by_role("status")).to_be_hidden(timeout=30_000)
        ask(page, "how are managed services billed?")
        expect(log(page)).to_contain_text("subscription", timeout=ANSWER_TIMEOUT)
    finally:
        context.close()
        second.stop()


# --- issue 12: the meeting link and the rating of answers --------------------------------


def test_qualified_lead_gets_a_safe_meeting_link(page, bot_cli):
    from urllib.parse import parse_qs, urlsplit

    from tests.e2e.conftest import BOOKING_URL_TEMPLATE

    email = f"booker-{uuid.uuid4().hex[:8]}@acme-widget.com"
    fill_lead_form(page, email)
    link = page.get_by_role("link", name="Book a call")
    expect(link).to_be_visible(timeout=ANSWER_TIMEOUT)
    href = link.get_attribute("href")
    assert href.startswith(BOOKING_URL_TEMPLATE.split("?")[0] + "?")
    assert parse_qs(urlsplit(href).query) == {"name": ["Wanda Widget"], "email": [email]}
    assert link.get_attribute("target") == "_blank" and "noopener" in link.get_attribute("rel").split()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "widget-booking.png"))

    # the booking site is played by Playwright: nothing leaves the machine
    page.context.route(
        "https://cal.example/**", lambda route: route.fulfill(body="<p>booked</p>", content_type="text/html")
    )
    with page.context.expect_page() as opened:
        link.click()
    booking = opened.value
    booking.wait_for_load_state()
    assert booking.url == href
    assert booking.evaluate("window.opener") is None  # the booking page cannot reach the chat page

    page.reload()  # the link survives a reload, as the rest of the conversation does
    expect(page.get_by_role("link", name="Book a call")).to_have_attribute("href", href)


def test_links_other_than_http_are_never_rendered(page, dialogs):
    """The renderer's own check, fed through the stored transcript (as after a reload)."""
    transcript = [
        {"from": "bot", "text": "Links follow."},
        {
            "from": "bot",
            "links": [
                {"title": "Evil", "url": "javascript:alert(1)"},
                {"title": "Data", "url": "data:text/html,<script>alert(1)</script>"},
                {"title": "Fine", "url": "https://cal.example/ok"},
            ],
        },
    ]
    page.evaluate("t => localStorage.setItem('sourcingchat:transcript', JSON.stringify(t))", transcript)
    page.reload()
    links = page.locator(".sc-link")
    expect(links).to_have_count(1)
    expect(links.first).to_have_text("Fine")
    assert links.first.get_attribute("href") == "https://cal.example/ok"
    assert dialogs == []


def test_rating_an_answer_is_discreet_and_stored_for_that_answer(page, e2e_env):
    from sqlalchemy import create_engine, text

    open_widget(page)
    ask(page, "how are managed services billed?")
    expect(log(page)).to_contain_text("subscription", timeout=ANSWER_TIMEOUT)
    choice = page.get_by_role("group", name="Was this answer helpful?")
    expect(choice).to_be_visible(timeout=ANSWER_TIMEOUT)
    replies = page.locator(".sc-reply").count()
    bots = page.locator(".sc-bot").count()
    choice.get_by_role("button", name="Not helpful").click()
    expect(page.get_by_text("Thanks for your feedback.")).to_be_visible()
    expect(choice).to_have_count(0)
    page.wait_for_timeout(1500)
    assert page.locator(".sc-bot").count() == bots  # no extra bot message for a click
    assert page.locator(".sc-reply").count() == replies  # the answer's follow-ups stay
    assert page.locator(".sc-user").count() == 1  # and no visitor bubble either

    token = page.evaluate("localStorage.getItem('sourcingchat:session')").strip('"')
    session = token.partition(".")[0]  # the signed token's conversation id (bot/web/sessions.py)
    engine = create_engine(e2e_env["SALES_DB_URL"], future=True)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT helpful, topic, response FROM answer_ratings " "WHERE conversation_id = :c"),
                {"c": session},
            ).all()
    finally:
        engine.dispose()
    assert [(bool(r.helpful), r.topic) for r in rows] == [(False, "billing_model")]
    assert rows[0].response.startswith("utter_billing_model")


def test_a_rating_cannot_reach_another_conversations_answer(servers, e2e_env):
    """B's rating, whatever it claims, never lands on A's answer; A's own rating does."""
    from sqlalchemy import create_engine, text

    from tests.e2e.conftest import Visitor

    engine = create_engine(e2e_env["SALES_DB_URL"], future=True)

    def ratings_of(sender: str) -> int:
        with engine.connect() as conn:
            return conn.execute(
                text("SELECT COUNT(*) FROM answer_ratings WHERE conversation_id = :c"), {"c": sender}
            ).scalar_one()

    a, b = Visitor(servers), Visitor(servers)
    try:
        assert "subscription" in a.say_text("how are managed services billed?")
        b.say(f'/rate_helpful{{"conversation_id": "{a.sender}", "message_at": 1}}')
        b.say("/rate_unhelpful")
        assert ratings_of(a.sender) == 0 and ratings_of(b.sender) == 0
        a.say("/rate_helpful")
        a.say("/rate_unhelpful")  # a second rating of the same answer changes nothing
        assert ratings_of(a.sender) == 1
    finally:
        engine.dispose()
