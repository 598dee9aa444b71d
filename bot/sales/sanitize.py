"""Visitor text made safe to store, to export to a spreadsheet and to print in a terminal.

- plain(): what is stored: terminal escape sequences and control characters (C0, C1,
  bidirectional overrides, lone surrogates) removed, white space folded to one line;
- for_terminal(): what `bot leads show/list` prints: any control character left in older
  rows or in transcripts becomes a visible escape (\\x1b), so nothing reaches the terminal
  as a command;
- for_csv(): a cell a spreadsheet would run as a formula (= + - @, tab, CR first) starts
  with an apostrophe instead (OWASP's advice for CSV injection).
"""

from __future__ import annotations

import re
import unicodedata

# CSI (ESC [ ... final byte), OSC (ESC ] ... BEL or ESC \), and any other ESC + one char;
# every repetition bounded, so hostile input costs linear time.
_ESCAPE_RE = re.compile(
    r"\x1b\[[0-?]{0,64}[ -/]{0,16}[@-~]?"  # CSI
    r"|\x1b\][^\x07\x1b]{0,512}(?:\x07|\x1b\\)?"  # OSC
    r"|\x1b.?"  # any other escape
    r"|\x9b[0-?]{0,64}[ -/]{0,16}[@-~]?",  # the one-byte (C1) CSI
    re.DOTALL,
)
# Characters that reorder or hide text without being visible.
_INVISIBLE = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_control(ch: str) -> bool:
    return ch in _INVISIBLE or unicodedata.category(ch) in ("Cc", "Cs")


def plain(text: str | None, limit: int | None = None) -> str:
    """One line of printable text: escapes and controls removed, white space folded."""
    text = _ESCAPE_RE.sub("", text or "")
    text = "".join(" " if ch.isspace() else ch for ch in text if ch.isspace() or not _is_control(ch))
    text = " ".join(text.split())
    return text[:limit] if limit is not None else text


def for_terminal(text: object) -> str:
    """The text with every control character shown as an escape (\\x1b, \\n, \\u202e)."""
    out = []
    for ch in "" if text is None else str(text):
        if _is_control(ch):
            out.append(
                ch.encode("unicode_escape").decode("ascii")
                if ord(ch) < 0xD800 or ord(ch) > 0xDFFF
                else f"\\u{ord(ch):04x}"
            )
        else:
            out.append(ch)
    return "".join(out)


def for_csv(value: object) -> object:
    """A value for a CSV cell: text that a spreadsheet would evaluate gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
