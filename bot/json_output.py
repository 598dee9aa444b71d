"""JSON that every `--json` of the CLIs prints: always valid, never a crash on a value type.

Decimal amounts are written as strings ("1100.00": exact, as the database holds them), dates and
times as ISO 8601, tuples and sets as lists, dataclasses as objects.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TextIO


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=_default)


def write(data: Any, out: TextIO | None = None) -> None:
    """The data as JSON and a newline, to `out` (standard output by default)."""
    out = out or sys.stdout
    out.write(dumps(data) + "\n")
