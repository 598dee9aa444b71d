"""HTTP deliveries from the outbox: the signed CRM webhook and the Slack-style alert.

Webhook requests are signed as Standard Webhooks specifies: headers `webhook-id` (stable
per lead, so a receiver can drop a retry it has already processed), `webhook-timestamp`
(Unix seconds, fresh on every attempt) and `webhook-signature` = "v1," + base64 of
HMAC-SHA256 over "id.timestamp.body" with the secret (SALES_WEBHOOK_SECRET, "whsec_" +
base64 of the key). Errors are returned as short strings without the body: it holds
personal data.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import time

import requests

from bot.sales import crm
from bot.sales.models import Lead
from bot.settings import get_settings

log = logging.getLogger(__name__)

SECRET_PREFIX = "whsec_"
USER_AGENT = "sourcing-assistant"


class SecretError(ValueError):
    """SALES_WEBHOOK_SECRET is not "whsec_" + base64."""


def signing_key(secret: str) -> bytes:
    encoded = secret[len(SECRET_PREFIX) :] if secret.startswith(SECRET_PREFIX) else secret
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise SecretError("SALES_WEBHOOK_SECRET must be whsec_ followed by base64") from None
    if len(key) < 16:
        raise SecretError("SALES_WEBHOOK_SECRET is too short: use at least 16 random bytes")
    return key


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(signing_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def message_id(lead_id: int) -> str:
    return f"lead-{lead_id}"


def lead_request(lead: Lead, fmt: str | None = None) -> tuple[str, bytes]:
    """(webhook-id, body) for a lead in the configured format."""
    payload = crm.FORMATS[fmt or get_settings().sales_webhook_format](lead)
    return message_id(lead.id), json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def headers_for(msg_id: str, body: bytes, secret: str | None, now: float | None = None) -> dict[str, str]:
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT, "Idempotency-Key": msg_id}
    if secret:
        timestamp = int(now if now is not None else time.time())
        headers.update(
            {
                "webhook-id": msg_id,
                "webhook-timestamp": str(timestamp),
                "webhook-signature": sign(secret, msg_id, timestamp, body),
            }
        )
    return headers


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> str | None:
    """None on a 2xx answer, else a short reason."""
    try:
        response = requests.post(url, data=body, headers=headers, timeout=timeout, allow_redirects=False)
    except requests.RequestException as exc:
        return type(exc).__name__
    if 200 <= response.status_code < 300:
        return None
    return f"HTTP {response.status_code}"


def send_lead(request: tuple[str, bytes], timeout: float) -> str | None:
    """Post a prepared lead_request to SALES_WEBHOOK_URL, signed when a secret is set."""
    url = get_settings().sales_webhook_url
    if not url:
        return "SALES_WEBHOOK_URL is not set"
    msg_id, body = request
    try:
        headers = headers_for(msg_id, body, get_settings().sales_webhook_secret)
    except SecretError as exc:
        return str(exc)
    return post(url, body, headers, timeout)


def send_slack(message: dict, timeout: float) -> str | None:
    url = get_settings().sales_slack_webhook_url
    if not url:
        return "SALES_SLACK_WEBHOOK_URL is not set"
    body = json.dumps(message, ensure_ascii=False).encode()
    return post(url, body, {"Content-Type": "application/json", "User-Agent": USER_AGENT}, timeout)
