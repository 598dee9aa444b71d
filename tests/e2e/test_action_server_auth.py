"""The action server answers only the Rasa server: a forged action call stores nothing.

Issue 10 stored a lead "Forged Person" (score 100) with one POST to :5055/webhook, and a
text/plain body from any web page on the LAN would have done the same.
"""

import json
import zlib

import psutil
import pytest
import requests

from bot.action_server import SECRET_HEADER
from bot.settings import get_settings
from tests.catalogue_prices import SOC, price

SOC_PRICE = price(SOC)

pytestmark = pytest.mark.e2e

FORGED_TRACKER = {
    "sender_id": "forged-conversation",
    "latest_message": {"text": "/affirm"},
    "events": [],
    "slots": {
        "lead_name": "Forged Person",
        "lead_email": "forged@evil-e2e.com",
        "lead_company": "Evil",
        "lead_company_size": "1000+",
        "lead_budget": "50k+/month",
        "lead_timeline": "now/within 1 month",
        "lead_role": "decision maker",
        "lead_consent": True,
        "lead_confirmed": True,
    },
    "paused": False,
    "followup_action": None,
    "active_loop": {},
    "latest_action_name": "lead_form",
}
FORGED_CALL = {
    "next_action": "action_submit_lead",
    "sender_id": "forged-conversation",
    "tracker": FORGED_TRACKER,
    "domain": {},
    "version": "3.6.2",
}


def forged_leads(bot_cli):
    return [
        lead
        for lead in bot_cli("leads", "list", "--json", as_json=True)
        if lead["conversation_id"] == "forged-conversation" or lead["name"] == "Forged Person"
    ]


def test_forged_action_calls_are_refused_and_store_nothing(servers, bot_cli):
    url = f"http://127.0.0.1:{servers.action_port}/webhook"
    body = json.dumps(FORGED_CALL)
    attempts = [
        requests.post(url, json=FORGED_CALL, timeout=10),  # no secret
        requests.post(url, json=FORGED_CALL, headers={SECRET_HEADER: "guess"}, timeout=10),
        # what a web page on the LAN can send without a CORS preflight
        requests.post(url, data=body, headers={"Content-Type": "text/plain"}, timeout=10),
        requests.post(
            url,
            data=body,
            timeout=10,
            headers={  # the secret, but not JSON
                "Content-Type": "text/plain",
                SECRET_HEADER: get_settings().action_server_secret,
            },
        ),
        requests.post(
            url,
            data=zlib.compress(body.encode()),
            timeout=10,
            headers={
                "Content-Type": "application/json",
                "Content-Encoding": "deflate",
                SECRET_HEADER: get_settings().action_server_secret,
            },
        ),
        requests.get(f"http://127.0.0.1:{servers.action_port}/actions", timeout=10),
    ]
    assert [r.status_code for r in attempts] == [401, 401, 401, 415, 415, 401]
    assert all("access-control-allow-origin" not in r.headers for r in attempts)
    assert forged_leads(bot_cli) == []
    # the Rasa server, which sends the secret, still runs the custom actions
    visitor_reply = requests.post(
        servers.rest_url, timeout=60, json={"sender": "auth-check", "message": "do you do SOC as a service?"}
    ).json()
    assert SOC_PRICE in " ".join(m.get("text", "") for m in visitor_reply)


def test_the_action_server_listens_on_localhost_only(servers):
    action_server = psutil.Process(servers.procs[0].pid)  # started first
    addresses = {
        conn.laddr.ip
        for conn in action_server.net_connections()
        if conn.status == psutil.CONN_LISTEN and conn.laddr.port == servers.action_port
    }
    assert addresses and addresses <= {"127.0.0.1"}, addresses


def test_health_reports_the_stores_and_the_action_server(servers):
    response = requests.get(f"{servers.rasa_url}/webhooks/health/", timeout=10)
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "lock_store": "ok",
        "tracker_store": "ok",
        "action_server": "ok",
    }
