"""The visitor's thread in the widget (issue 16): the same typed conversations as over REST, typed
into the chat widget in Debian's Chromium (socket.io), checked on the messages the page shows."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_widget import ANSWER_TIMEOUT, PAGE_PATH, open_widget
from tests.e2e.thread_script import CONVERSATIONS

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
SETTLE_MS = 700  # a reply may come as several messages: wait until none has arrived for this long


def reply_to(page: Page, text: str) -> str:
    """Type a message, wait for the whole reply, return its text."""
    bots = page.locator(".sc-bot")
    before = bots.count()
    page.get_by_label("Your message").fill(text)
    page.keyboard.press("Enter")
    expect(bots).not_to_have_count(before, timeout=ANSWER_TIMEOUT)
    count = bots.count()
    while True:
        page.wait_for_timeout(SETTLE_MS)
        if bots.count() == count:
            break
        count = bots.count()
    return " ".join(bots.nth(i).inner_text() for i in range(before, count))


@pytest.mark.parametrize("name", list(CONVERSATIONS))
def test_typed_conversation_in_the_widget(name, browser, servers):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    try:
        page.goto(servers.rasa_url + PAGE_PATH)
        open_widget(page)
        email = f"thread-widget-{uuid.uuid4().hex[:8]}@firma-thread.com"
        problems = []
        for turn in CONVERSATIONS[name]:
            reply = reply_to(page, turn.typed(email))
            problems += [f"{turn.says!r} -> {p}; reply: {reply[:300]!r}" for p in turn.problems(reply)]
        assert not problems, "\n".join(problems)
    finally:
        context.close()
