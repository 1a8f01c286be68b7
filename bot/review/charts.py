"""Server-side SVG charts for the dashboard: no JavaScript, no CDN, labels escaped.

Colours are presentation attributes rather than inline styles, so the pages keep a strict
Content-Security-Policy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

BAR = "#2f6f9f"
GRID = "#d0d7de"
TEXT = "#24292f"
OUTCOME_COLOURS = {"accessible": "#2e7d32", "to_check": "#ef8f00", "not_accessible": "#c62828"}
FALLBACK_COLOUR = "#8e8e8e"


def number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value:.2f}".replace(".", ",")


def percent(value: float) -> str:
    return f"{value * 100:.1f}".replace(".", ",") + " %"


def _empty(title: str, width: int) -> Markup:
    return Markup(  # noqa: S704 - the title went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="40" '
        f'viewBox="0 0 {width} 40"><title>{escape(title)}</title>'
        f'<text x="8" y="24" fill="{TEXT}" font-size="13">Aucune donnée sur la période.</text></svg>'
    )


def horizontal_bars(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    width: int = 560,
    label_width: int = 190,
    formatter: Callable[[float], str] = number,
) -> Markup:
    """One bar per item, longest first as given (top intents, channels)."""
    if not items:
        return _empty(title, width)
    row = 24
    height = row * len(items) + 8
    peak = max(value for _, value in items) or 1
    room = width - label_width - 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{escape(title)}</title>'
    ]
    for index, (label, value) in enumerate(items):
        y = index * row + 4
        length = max(1.0, room * value / peak) if value else 0.0
        shown = label if len(label) <= 28 else label[:27] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end" fill="{TEXT}" '
            f'font-size="12">{escape(shown)}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="16" fill="{BAR}">'
            f"<title>{escape(label)} : {escape(formatter(value))}</title></rect>"
            f'<text x="{label_width + length + 6:.1f}" y="{y + 15}" fill="{TEXT}" '
            f'font-size="12">{escape(formatter(value))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated label went through escape()


def columns(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    width: int = 720,
    height: int = 200,
    formatter: Callable[[float], str] = number,
    ceiling: float | None = None,
) -> Markup:
    """One column per day; dates are labelled at the ends and every week in between."""
    if not items:
        return _empty(title, width)
    left, bottom, top = 60, 28, 10
    plot_width = width - left - 8
    plot_height = height - bottom - top
    peak = ceiling if ceiling is not None else (max(value for _, value in items) or 1)
    slot = plot_width / len(items)
    bar = max(1.0, slot * 0.75)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{escape(title)}</title>',
        f'<line x1="{left}" y1="{top + plot_height}" x2="{width - 8}" y2="{top + plot_height}" '
        f'stroke="{GRID}"/>',
        f'<text x="{left - 6}" y="{top + 10}" text-anchor="end" fill="{TEXT}" font-size="11">'
        f"{escape(formatter(peak))}</text>",
        f'<text x="{left - 6}" y="{top + plot_height}" text-anchor="end" fill="{TEXT}" font-size="11">'
        f"{escape(formatter(0))}</text>",
    ]
    last = len(items) - 1
    for index, (label, value) in enumerate(items):
        x = left + index * slot + (slot - bar) / 2
        length = plot_height * min(value, peak) / peak if peak else 0
        parts.append(
            f'<rect x="{x:.1f}" y="{top + plot_height - length:.1f}" width="{bar:.1f}" '
            f'height="{length:.1f}" fill="{BAR}"><title>{escape(label)} : {escape(formatter(value))}'
            "</title></rect>"
        )
        if index in (0, last) or (index % 7 == 0 and last - index > 3):
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{height - 8}" text-anchor="middle" fill="{TEXT}" '
                f'font-size="10">{escape(label[5:])}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated label went through escape()


def stacked_bars(
    rows: dict[str, dict[str, int]],
    *,
    title: str,
    order: Sequence[str],
    labels: dict[str, str],
    width: int = 560,
    label_width: int = 80,
) -> Markup:
    """One bar per structure split by outcome (eligibility verdicts)."""
    if not rows:
        return _empty(title, width)
    row = 26
    legend = 24
    height = row * len(rows) + legend + 8
    room = width - label_width - 60
    peak = max(sum(counts.values()) for counts in rows.values()) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{escape(title)}</title>'
    ]
    x = label_width
    for outcome in order:
        colour = OUTCOME_COLOURS.get(outcome, FALLBACK_COLOUR)
        parts.append(
            f'<rect x="{x}" y="4" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="14" fill="{TEXT}" font-size="12">'
            f"{escape(labels.get(outcome, outcome))}</text>"
        )
        x += 150
    for index, (structure, counts) in enumerate(sorted(rows.items())):
        y = legend + index * row
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 16}" text-anchor="end" fill="{TEXT}" font-size="12">'
            f"{escape(structure.upper())}</text>"
        )
        cursor = float(label_width)
        keys = list(order) + sorted(set(counts) - set(order))
        for outcome in keys:
            value = counts.get(outcome, 0)
            if not value:
                continue
            length = room * value / peak
            colour = OUTCOME_COLOURS.get(outcome, FALLBACK_COLOUR)
            parts.append(
                f'<rect x="{cursor:.1f}" y="{y + 4}" width="{length:.1f}" height="16" fill="{colour}">'
                f"<title>{escape(structure.upper())} — {escape(labels.get(outcome, outcome))} : {value}"
                "</title></rect>"
            )
            cursor += length
        parts.append(
            f'<text x="{cursor + 6:.1f}" y="{y + 16}" fill="{TEXT}" font-size="12">'
            f"{sum(counts.values())}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated label went through escape()
