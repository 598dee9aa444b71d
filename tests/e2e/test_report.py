"""End to end: `bot report` on a tracker store and a sales database written by real conversations.

Visitors talk to the real servers over REST (questions, typos, gibberish, off-topic
requests, ratings, a form given up half-way, complete forms); the report is rendered
from what the servers stored, checked against the databases, opened in Chromium
without any network request, and kept as a screenshot in tests/artifacts/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot import settings
from tests.e2e.conftest import Visitor, bot_command
from tests.e2e.test_rest_lead import ANSWERS, complete_form

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

ARTIFACTS = settings.ROOT / "tests" / "artifacts"
OFF_TOPIC = "i forgot my password, my login is confused.visitor@example-report.com"


def count(url: str, sql: str) -> int:
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar_one()
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def report(sales_stack, tmp_path_factory):
    servers = sales_stack.servers
    rater = Visitor(servers)
    assert "subscription" in rater.say_text("how are managed services billed?")
    rater.say("/rate_helpful")  # the widget's button
    rater.say_text("and outsorcing?")
    assert "Sorry that didn't help" in rater.say_text("that didn't answer my question")  # typed feedback

    lost = Visitor(servers)
    lost.say(OFF_TOPIC)
    lost.say("can you fix my printer")
    lost.say("I  forgot my password,   my login is confused.visitor@example-report.com!")

    quitter = Visitor(servers)  # answers name, e-mail and company, then gives up
    assert "name" in quitter.say_text("I'd like a quote")
    for answer, expected in ANSWERS[:3]:
        assert expected in quitter.say_text(answer.format(email="quitter@acme-report.com"))

    complete_form(Visitor(servers), "rita.report@acme-report.com")

    out = tmp_path_factory.mktemp("report") / "report.html"
    printed = bot_command(sales_stack.env)("report", "--since", "7d", "--out", str(out))
    assert printed.startswith(f"wrote {out}")
    return out, out.read_text(encoding="utf-8")


def test_figures_match_the_databases(sales_stack, report):
    _path, html = report
    env = sales_stack.env
    conversations = count(env["TRACKER_DB_URL"], "SELECT COUNT(DISTINCT sender_id) FROM events")
    leads = count(env["SALES_DB_URL"], "SELECT COUNT(*) FROM leads")
    helpful = count(env["SALES_DB_URL"], "SELECT COUNT(*) FROM answer_ratings WHERE helpful")
    unhelpful = count(env["SALES_DB_URL"], "SELECT COUNT(*) FROM answer_ratings WHERE NOT helpful")
    assert helpful >= 1 and unhelpful >= 1
    assert f"<b>{conversations}</b>conversations" in html and f"<b>{leads}</b>leads" in html
    assert re.search(rf"<td>all answers</td><td class=n>{helpful}</td><td class=n>{unhelpful}</td>", html)


def test_sections_show_what_visitors_did(report):
    _path, html = report
    for title in (
        "Conversations per day",
        "Questions by topic",
        "What it did not understand",
        "Lead form: where visitors stop",
        "Leads by score and owner",
        "Answers rated by visitors",
    ):
        assert title in html
    assert html.count("<svg") >= 6  # per day, topics, funnel, scores, owners, ratings
    assert "ask_billing_model" in html
    # grouped (case and spacing), masked, and no form answer anywhere
    grouped = r"<td>i forgot my password, my login is &lt;email&gt;</td><td class=n>([2-9]|\d\d+)</td>"
    assert re.search(grouped, html)
    for private in ("confused.visitor@", "quitter@", "rita.report@", "Jane Doe", "Acme GmbH"):
        assert private not in html
    # the funnel: the quitter was asked the company size and went no further
    row = re.search(r"<td>lead_company_size</td><td class=n>(\d+)</td><td class=n>(\d+)</td>", html)
    assert row and int(row.group(2)) >= 1
    assert "<td>submitted</td>" in html


def test_page_is_self_contained_and_screenshot_is_kept(browser, report):
    path, _html = report
    requests_made: list[str] = []
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    try:
        page = context.new_page()
        page.on("request", lambda request: requests_made.append(request.url))
        page.goto(Path(path).as_uri())
        page.wait_for_load_state("networkidle")
        assert page.locator("svg").count() >= 6
        assert page.evaluate("document.querySelector('figure svg').getBoundingClientRect().width") > 300
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    finally:
        context.close()
    assert requests_made == [Path(path).as_uri()], requests_made
