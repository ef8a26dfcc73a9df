"""Charts as server-rendered SVG: pure functions of plain data, no database, no JavaScript.

The same markup goes into the results page (inline, so the CSP needs nothing special: only
presentation attributes, no style attribute or element) and into the PDF (WeasyPrint draws
inline SVG). Every piece of text is escaped here; the result is safe to insert as it is.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

# Light to dark, and each bar carries its level as text too: colour is never the only cue.
LEVEL_COLOURS = ("#6c757d", "#e0b000", "#e8590c", "#b02a37")
UNKNOWN_COLOUR = "#495057"

LABEL_WIDTH = 330  # the widest the wrapped label column gets; bars start after it
CHAR_WIDTH = 6.9  # a generous average at 12 units, to size the label column
BARS_WIDTH = 330
LEVEL_ROOM = 110  # after the longest bar, for its level's name
LINE_HEIGHT = 15
ROW_PADDING = 10
AXIS_HEIGHT = 28
LABEL_CHARS = 48  # characters a label line holds at 12 units in a sans-serif font
MAX_LABEL_LINES = 3


@dataclass(frozen=True, slots=True)
class Bar:
    """One row of the chart: `level` is a position on the scale (0 = its first step), or None
    when there is no level to draw (Don't know, not answered); `level_label` says which."""

    label: str
    level: int | None
    level_label: str


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _wrap(label: str) -> list[str]:
    lines = textwrap.wrap(label, LABEL_CHARS) or [""]
    if len(lines) > MAX_LABEL_LINES:
        lines = lines[:MAX_LABEL_LINES]
        lines[-1] = lines[-1][: LABEL_CHARS - 1].rstrip() + "…"
    return lines


def risk_profile_svg(
    bars: Sequence[Bar], *, title: str, desc: str, scale: Sequence[str], chart_id: str
) -> SafeString:
    """A horizontal bar per row, its length the row's level on `scale` (the scale's names,
    lowest first). `chart_id` prefixes the ids that `aria-labelledby` points at, so that two
    charts can share a page."""
    wrapped = [_wrap(bar.label) for bar in bars]
    longest = max((len(line) for lines in wrapped for line in lines), default=0)
    bars_x = min(LABEL_WIDTH, round(longest * CHAR_WIDTH)) + 15
    width = bars_x + BARS_WIDTH + LEVEL_ROOM
    steps = max(len(scale) - 1, 1)
    step_width = BARS_WIDTH / steps
    ids = f"{_attr(chart_id)}-title {_attr(chart_id)}-desc"
    body: list[str] = []

    # The scale along the top, with a faint line down from each step.
    rows_height = (
        sum(len(_wrap(bar.label)) * LINE_HEIGHT + ROW_PADDING for bar in bars) or LINE_HEIGHT
    )
    height = AXIS_HEIGHT + rows_height + 4
    for index, name in enumerate(scale):
        x = bars_x + index * step_width
        anchor = "start" if index == 0 else "end" if index == steps else "middle"
        body.append(
            f'<text x="{x:.1f}" y="14" font-size="11" fill="#495057" '
            f'text-anchor="{anchor}">{escape(name)}</text>'
            f'<line x1="{x:.1f}" y1="{AXIS_HEIGHT - 8}" x2="{x:.1f}" y2="{height - 2}" '
            f'stroke="#dee2e6" stroke-width="1"/>'
        )

    y = AXIS_HEIGHT
    for bar, lines in zip(bars, wrapped, strict=True):
        row_height = len(lines) * LINE_HEIGHT + ROW_PADDING
        middle = y + row_height / 2
        first_line = middle - (len(lines) - 1) * LINE_HEIGHT / 2 + 4
        spans = "".join(
            f'<tspan x="0" y="{first_line + i * LINE_HEIGHT:.1f}">{escape(line)}</tspan>'
            for i, line in enumerate(lines)
        )
        body.append(f'<g><text font-size="12" fill="#212529">{spans}</text>')
        if bar.level is None:
            body.append(
                f'<text x="{bars_x + 4}" y="{middle + 4:.1f}" font-size="12" '
                f'font-style="italic" fill="{UNKNOWN_COLOUR}">{escape(bar.level_label)}</text>'
            )
        else:
            level = min(max(bar.level, 0), steps)
            # The lowest level is a sliver rather than nothing, so the row is seen to be rated.
            length = max(level * step_width, 3)
            colour = LEVEL_COLOURS[min(level, len(LEVEL_COLOURS) - 1)]
            body.append(
                f'<rect x="{bars_x}" y="{middle - 7:.1f}" width="{length:.1f}" height="14" '
                f'fill="{colour}"/>'
                f'<text x="{bars_x + length + 6:.1f}" y="{middle + 4:.1f}" font-size="12" '
                f'font-weight="bold" fill="#212529">{escape(bar.level_label)}</text>'
            )
        body.append("</g>")
        y += row_height

    # Safe: every text and attribute above is escaped.
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="risk-chart" role="img" '
        f'aria-labelledby="{ids}" viewBox="0 0 {width} {height:.0f}" '
        f'width="{width}" height="{height:.0f}" '
        f'font-family="DejaVu Sans, Helvetica, Arial, sans-serif">'
        f'<title id="{_attr(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{_attr(chart_id)}-desc">{escape(desc)}</desc>'
        f"{''.join(body)}</svg>"
    )
