"""Custom actions for the action server (`python -m bot.action_server`, see bot/serve.py).

Importing this package starts nothing: the action server's entry point
(bot.action_server.main) installs the log policy and starts the background workers
(start_workers) before it serves these actions.
"""
