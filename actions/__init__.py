"""Custom actions for the action server (`rasa run actions --actions actions`).

Importing this package is the action server's start-up: it installs the log filter that
masks e-mail addresses and phone numbers, and, when SALES_WEBHOOK_URL is set, starts
the one background worker that delivers committed leads from the outbox.
"""
import os

from bot.sales import logsafe, webhook

logsafe.install()

if os.environ.get("SALES_WEBHOOK_URL"):
    _outbox_worker = webhook.start_worker(interval=float(os.environ.get("SALES_WEBHOOK_INTERVAL", "5")))
