"""Custom actions for the action server (`python -m bot.action_server`, see bot/serve.py).

Importing this package is the action server's start-up: it installs the log policy
(bot.sales.logsafe), configures the database mappers, starts the worker that moves leads
from the local spool into the sales database once it is reachable again, and, when an
alert channel is configured (SALES_NOTIFY_EMAIL, SALES_SLACK_WEBHOOK_URL, SALES_WEBHOOK_URL),
the worker that delivers committed leads' alerts from the outbox.
"""

from bot import db, settings
from bot.sales import logsafe, outbox, spool

logsafe.install()
db.load_models()  # before any worker thread queries the database

_spool_worker = spool.start_worker()
if outbox.enabled_channels():
    _outbox_worker = outbox.start_worker(interval=settings.outbox_interval())
