"""The report's charts: matplotlib drawn as inline SVG, text as paths (no fonts to fetch).

Figures are made without pyplot: no GUI backend to choose, no process-wide figure registry.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import matplotlib
from matplotlib.figure import Figure

BLUE, GREY, GREEN, RED = "#1f5f99", "#a7b4c2", "#2e7d32", "#c62828"


def _svg(fig, salt: str) -> str:
    """The figure as an <svg> element; `salt` keeps element ids unique across charts."""
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": salt}):
        fig.savefig(buffer, format="svg", bbox_inches="tight")
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]  # drop the XML prolog and DOCTYPE for inline use


def _figure(width: float = 7.5, height: float = 3.0):
    fig = Figure(figsize=(width, height), dpi=96)
    ax = fig.subplots()
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def per_day(counts: dict[date, int], first: date, last: date) -> str:
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    fig, ax = _figure()
    ax.bar(range(len(days)), [counts.get(day, 0) for day in days], color=BLUE)
    step = max(1, len(days) // 10)
    ax.set_xticks(range(0, len(days), step), [days[i].strftime("%d %b") for i in range(0, len(days), step)])
    ax.set_ylabel("conversations")
    ax.yaxis.get_major_locator().set_params(integer=True)
    return _svg(fig, "per_day")


def horizontal_bars(labels: list[str], values: list[int], salt: str, xlabel: str) -> str:
    fig, ax = _figure(height=max(1.6, 0.32 * len(labels) + 0.6))
    positions = range(len(labels))[::-1]  # largest on top
    ax.barh(list(positions), values, color=BLUE)
    ax.set_yticks(list(positions), labels)
    ax.set_xlabel(xlabel)
    ax.xaxis.get_major_locator().set_params(integer=True)
    for y, value in zip(positions, values, strict=False):
        ax.annotate(str(value), (value, y), xytext=(3, 0), textcoords="offset points", va="center")
    return _svg(fig, salt)


def funnel(steps: list[tuple[str, int]]) -> str:
    return horizontal_bars(
        [name for name, _ in steps],
        [count for _, count in steps],
        "funnel",
        "conversations that got this far",
    )


def stacked(
    labels: list[str],
    first: list[int],
    second: list[int],
    names: tuple[str, str],
    colours: tuple[str, str],
    salt: str,
    ylabel: str,
) -> str:
    fig, ax = _figure(width=6.0)
    ax.bar(labels, first, color=colours[0], label=names[0])
    ax.bar(labels, second, bottom=first, color=colours[1], label=names[1])
    ax.set_ylabel(ylabel)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1, 1))  # beside the bars, never on them
    for label in ax.get_xticklabels():
        label.set(rotation=20, ha="right")
    return _svg(fig, salt)


def scores(bands: list[tuple[str, int, int]]) -> str:
    return stacked(
        [b for b, _, _ in bands],
        [q for _, q, _ in bands],
        [n for _, _, n in bands],
        ("qualified", "not qualified"),
        (GREEN, GREY),
        "scores",
        "leads",
    )


def ratings(topics: list[str], helpful: list[int], unhelpful: list[int]) -> str:
    return stacked(topics, helpful, unhelpful, ("helpful", "not helpful"), (GREEN, RED), "ratings", "ratings")
