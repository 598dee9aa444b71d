"""Text: what the assistant says (bot.text.messages, one catalogue per language) and the helpers
several packages use to read what visitors type."""
