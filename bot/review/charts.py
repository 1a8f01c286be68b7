"""Server-side SVG charts for the dashboard: no JavaScript, no CDN.

This module only lays charts out (positions, sizes, colours, the texts to show); the template
`_charts.html` draws them, so Jinja's autoescape escapes every label like any other text of the
page. Colours are presentation attributes rather than inline styles, so the pages keep a strict
Content-Security-Policy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from textnorm import format_number

BAR = "#2f6f9f"
GRID = "#d0d7de"
TEXT = "#24292f"
OUTCOME_COLOURS = {"accessible": "#2e7d32", "to_check": "#ef8f00", "not_accessible": "#c62828"}
FALLBACK_COLOUR = "#8e8e8e"
EMPTY_MESSAGE = "Aucune donnée sur la période."


def number(value: float) -> str:
    return format_number(value)


def percent(value: float) -> str:
    return f"{value * 100:.1f}".replace(".", ",") + " %"


def _tenth(value: float) -> float:
    """Coordinates to a tenth of a pixel: shorter SVG, no visible difference."""
    return round(float(value), 1)


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    size: int
    anchor: str | None = None
    colour: str = TEXT
    kind: str = "text"


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    colour: str
    tooltip: str | None = None
    kind: str = "rect"


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: str = GRID
    kind: str = "line"


@dataclass
class Chart:
    """An SVG picture: its accessible title, size, and shapes drawn in order."""

    title: str
    width: int
    height: int
    shapes: list[Text | Rect | Line] = field(default_factory=list)


def _empty(title: str, width: int) -> Chart:
    return Chart(title, width, 40, [Text(8, 24, EMPTY_MESSAGE, 13)])


def horizontal_bars(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    width: int = 560,
    label_width: int = 190,
    formatter: Callable[[float], str] = number,
) -> Chart:
    """One bar per item, longest first as given (top intents, channels)."""
    if not items:
        return _empty(title, width)
    row = 24
    peak = max(value for _, value in items) or 1
    room = width - label_width - 70
    chart = Chart(title, width, row * len(items) + 8)
    for index, (label, value) in enumerate(items):
        y = index * row + 4
        length = max(1.0, room * value / peak) if value else 0.0
        shown = label if len(label) <= 28 else label[:27] + "…"
        chart.shapes += [
            Text(label_width - 6, y + 15, shown, 12, anchor="end"),
            Rect(label_width, y + 3, _tenth(length), 16, BAR, tooltip=f"{label} : {formatter(value)}"),
            Text(_tenth(label_width + length + 6), y + 15, formatter(value), 12),
        ]
    return chart


def columns(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    width: int = 720,
    height: int = 200,
    formatter: Callable[[float], str] = number,
    ceiling: float | None = None,
) -> Chart:
    """One column per day; dates are labelled at the ends and every week in between."""
    if not items:
        return _empty(title, width)
    left, bottom, top = 60, 28, 10
    plot_width = width - left - 8
    plot_height = height - bottom - top
    peak = ceiling if ceiling is not None else (max(value for _, value in items) or 1)
    slot = plot_width / len(items)
    bar = max(1.0, slot * 0.75)
    chart = Chart(
        title,
        width,
        height,
        [
            Line(left, top + plot_height, width - 8, top + plot_height),
            Text(left - 6, top + 10, formatter(peak), 11, anchor="end"),
            Text(left - 6, top + plot_height, formatter(0), 11, anchor="end"),
        ],
    )
    last = len(items) - 1
    for index, (label, value) in enumerate(items):
        x = left + index * slot + (slot - bar) / 2
        length = plot_height * min(value, peak) / peak if peak else 0
        chart.shapes.append(
            Rect(
                _tenth(x),
                _tenth(top + plot_height - length),
                _tenth(bar),
                _tenth(length),
                BAR,
                tooltip=f"{label} : {formatter(value)}",
            )
        )
        if index in (0, last) or (index % 7 == 0 and last - index > 3):
            # "2025-01-31" -> "01-31": the year is in the period form above the chart.
            chart.shapes.append(Text(_tenth(x + bar / 2), height - 8, label[5:], 10, anchor="middle"))
    return chart


def stacked_bars(
    rows: dict[str, dict[str, int]],
    *,
    title: str,
    order: Sequence[str],
    labels: dict[str, str],
    width: int = 560,
    label_width: int = 80,
) -> Chart:
    """One bar per structure split by outcome (eligibility verdicts)."""
    if not rows:
        return _empty(title, width)
    row = 26
    legend = 24
    room = width - label_width - 60
    peak = max(sum(counts.values()) for counts in rows.values()) or 1
    chart = Chart(title, width, row * len(rows) + legend + 8)
    x = label_width
    for outcome in order:
        chart.shapes += [
            Rect(x, 4, 12, 12, OUTCOME_COLOURS.get(outcome, FALLBACK_COLOUR)),
            Text(x + 16, 14, labels.get(outcome, outcome), 12),
        ]
        x += 150
    for index, (structure, counts) in enumerate(sorted(rows.items())):
        y = legend + index * row
        chart.shapes.append(Text(label_width - 6, y + 16, structure.upper(), 12, anchor="end"))
        cursor = float(label_width)
        keys = list(order) + sorted(set(counts) - set(order))
        for outcome in keys:
            value = counts.get(outcome, 0)
            if not value:
                continue
            length = room * value / peak
            chart.shapes.append(
                Rect(
                    _tenth(cursor),
                    y + 4,
                    _tenth(length),
                    16,
                    OUTCOME_COLOURS.get(outcome, FALLBACK_COLOUR),
                    tooltip=f"{structure.upper()} — {labels.get(outcome, outcome)} : {value}",
                )
            )
            cursor += length
        chart.shapes.append(Text(_tenth(cursor + 6), y + 16, str(sum(counts.values())), 12))
    return chart
