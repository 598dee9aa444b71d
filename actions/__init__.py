"""Custom actions for the action server (`python -m bot.action_server`, see bot/serve.py).

Importing this package is the action server's start-up: it installs the log policy
(bot.sales.logsafe), starts the worker that moves leads from the local spool into the
sales database once it is reachable again, and, when SALES_WEBHOOK_URL is set, the
worker that delivers committed leads from the outbox.
"""
from datetime import timedelta

from bot import db, settings
from bot.sales import logsafe, spool, webhook

logsafe.install()
db.load_models()  # before any worker thread queries the database

_spool_worker = spool.start_worker()
if settings.sales_webhook_url():
    _outbox_worker = webhook.start_worker(
        interval=settings.sales_webhook_interval(),
        backoff_base=timedelta(seconds=settings.sales_webhook_backoff()),
    )
