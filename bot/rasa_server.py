"""What the Rasa server process needs from this project before it handles a message.

install() puts the log policy in place (bot.logsafe: no e-mail address, phone number or
visitor text in the logs) and applies the fixes to Rasa's internals (bot.rasa_fixes). It is
idempotent and runs nowhere on import: the Rasa server (`rasa run`, started by bot.serve)
reaches it through the channels listed in credentials.yml, whose blueprint() calls it
first (Rasa builds every channel's blueprint at start-up, before it loads the model or
takes a message); code that runs Rasa in-process (bench/profile.py) calls it itself.
"""

from __future__ import annotations

from bot import logsafe, rasa_fixes


def install() -> None:
    """The log policy and the Rasa fixes, in this process (once; later calls do nothing new)."""
    logsafe.install()
    rasa_fixes.apply()
