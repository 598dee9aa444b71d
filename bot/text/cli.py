"""`bot messages check`: the message catalogues, domain responses and code agree (bot.text.check)."""

from __future__ import annotations

import argparse
import sys


def register(subparsers) -> None:
    cmd = subparsers.add_parser("messages", help="message catalogues (data/messages/<language>.yml)")
    sub = cmd.add_subparsers(dest="messages_command", required=True)
    check = sub.add_parser("check", help="every key in every language, used by the code, every response too")
    check.set_defaults(func=cmd_check)


def cmd_check(_args: argparse.Namespace) -> int:
    from bot.text import check, messages

    found = check.problems()
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print(f"messages: {len(found)} problem(s)", file=sys.stderr)
        return 1
    langs = messages.languages()
    print(
        f"messages: {len(messages.catalogue())} texts, {len(messages.word_lists())} word lists and "
        f"{len(check.responses())} responses in {', '.join(langs)}: ok"
    )
    return 0
