"""The thread of a conversation, without Rasa: what the assistant offered last, what a short typed
reply ("yes", "the second", "that one", "not sure") means after it, and which service is in focus
for a follow-up ("price?", "sla on that", "and for 120 users?").

bot.dialogue.context applies the short-reply reading in the Rasa server (a typed choice acts as the
button it names); actions read the focus through bot.dialogue.focus.
"""
