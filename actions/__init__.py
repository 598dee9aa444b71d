"""Custom actions for the action server (`rasa run actions --actions actions`).

Importing this package is the action server's start-up: it installs the log filter that
masks e-mail addresses and phone numbers, and, when an alert channel is configured
(SALES_NOTIFY_EMAIL, SALES_SLACK_WEBHOOK_URL, SALES_WEBHOOK_URL), starts the one
background worker that delivers committed leads' alerts from the outbox.
"""
from bot import settings
from bot.sales import logsafe, outbox

logsafe.install()

if outbox.enabled_channels():
    _outbox_worker = outbox.start_worker(interval=settings.outbox_interval())
