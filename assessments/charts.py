"""Charts as server-rendered SVG: pure functions of plain data, no database, no JavaScript.

The same markup goes into the results page (inline, so the CSP needs nothing special: only
presentation attributes, no style attribute or element) and into the PDF (WeasyPrint draws
inline SVG). Every piece of text is escaped here; the result is safe to insert as it is.

Narrow on purpose: each row is its label on a line of its own, then the bar, so the chart is
about as wide as a phone (390 px) and its text stays near its full size there.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

# One neutral hue, light to dark; never red, which would read as an alarm or a verdict. Each
# bar carries its level as text too: colour is never the only cue.
LEVEL_COLOURS = ("#6c757d", "#6ea8fe", "#3d8bfd", "#084298")
UNKNOWN_COLOUR = "#495057"

FONT_SIZE = 14
WIDTH = 420
BARS_WIDTH = 300  # the bar for the scale's last step; its level's name goes after it
LINE_HEIGHT = 18
BAR_HEIGHT = 12
ROW_GAP = 10
AXIS_HEIGHT = 24
LABEL_CHARS = 46  # characters a label line holds at FONT_SIZE in a sans-serif font
MAX_LABEL_LINES = 2


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
    bars: Sequence[Bar],
    *,
    title: str,
    desc: str,
    scale: Sequence[str],
    chart_id: str,
    rtl: bool = False,
) -> SafeString:
    """A horizontal bar per row, its length the row's level on `scale` (the scale's names,
    lowest first). `chart_id` prefixes the ids that `aria-labelledby` points at, so that two
    charts can share a page.

    `rtl` (Arabic) mirrors it: the coordinates are computed here, right to left, rather than
    left to SVG's `direction`, which browsers inherit from the page and WeasyPrint versions
    lay out differently. The chart's own direction is pinned to left-to-right, so that a text
    anchor means the same everywhere; each text is a right-to-left isolate, so that a label's
    number stands at its right."""
    x = (lambda at: WIDTH - at) if rtl else (lambda at: at)
    flipped = {"start": "end", "end": "start", "middle": "middle"}
    anchor_of = (lambda anchor: flipped[anchor]) if rtl else (lambda anchor: anchor)
    isolate = (lambda text: f"\u2067{text}\u2069") if rtl else (lambda text: text)
    wrapped = [_wrap(bar.label) for bar in bars]
    steps = max(len(scale) - 1, 1)
    step_width = BARS_WIDTH / steps
    rows_height = sum(len(lines) * LINE_HEIGHT + BAR_HEIGHT + ROW_GAP for lines in wrapped)
    height = AXIS_HEIGHT + max(rows_height, LINE_HEIGHT) + 4
    ids = f"{_attr(chart_id)}-title {_attr(chart_id)}-desc"
    body: list[str] = []

    # The scale along the top; each bar's band has a faint tick at every step.
    for index, name in enumerate(scale):
        anchor = "start" if index == 0 else "end" if index == steps else "middle"
        body.append(
            f'<text x="{x(index * step_width):.1f}" y="14" font-size="12" fill="#495057" '
            f'text-anchor="{anchor_of(anchor)}">{escape(isolate(name))}</text>'
        )

    y = AXIS_HEIGHT
    for bar, lines in zip(bars, wrapped, strict=True):
        spans = "".join(
            f'<tspan x="{x(0)}" y="{y + (i + 1) * LINE_HEIGHT - 4:.1f}">'
            f"{escape(isolate(line))}</tspan>"
            for i, line in enumerate(lines)
        )
        body.append(
            f'<g><text font-size="{FONT_SIZE}" fill="#212529" '
            f'text-anchor="{anchor_of("start")}">{spans}</text>'
        )
        bar_y = y + len(lines) * LINE_HEIGHT
        text_y = bar_y + BAR_HEIGHT - 1
        # Ticks along the empty part of the track, clear of the level's name after the bar.
        first_tick = 1 if bar.level is None else min(max(bar.level, 0), steps) + 2
        body.extend(
            _tick(x(i * step_width), bar_y - 2, bar_y + BAR_HEIGHT + 2)
            for i in range(first_tick, steps + 1)
        )
        if bar.level is None:
            body.append(
                f'<text x="{x(0)}" y="{text_y:.1f}" font-size="{FONT_SIZE - 1}" '
                f'text-anchor="{anchor_of("start")}" font-style="italic" '
                f'fill="{UNKNOWN_COLOUR}">{escape(isolate(bar.level_label))}</text>'
            )
        else:
            rect, length = _bar(bar.level, steps, step_width, x, bar_y)
            body.append(
                f'{rect}<text x="{x(length + 6):.1f}" y="{text_y:.1f}" font-size="{FONT_SIZE - 1}" '
                f'text-anchor="{anchor_of("start")}" font-weight="bold" '
                f'fill="#212529">{escape(isolate(bar.level_label))}</text>'
            )
        body.append("</g>")
        y += len(lines) * LINE_HEIGHT + BAR_HEIGHT + ROW_GAP

    # Safe: every text and attribute above is escaped.
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="risk-chart" role="img" '
        f'aria-labelledby="{ids}" viewBox="0 0 {WIDTH} {height:.0f}" direction="ltr" '
        f'width="{WIDTH}" height="{height:.0f}" '
        f'font-family="DejaVu Sans, Helvetica, Arial, sans-serif">'
        f'<title id="{_attr(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{_attr(chart_id)}-desc">{escape(desc)}</desc>'
        f"{''.join(body)}</svg>"
    )


@dataclass(frozen=True, slots=True)
class Row:
    """A row of the chart as the PDF lays it out: its words as text of the document, and its
    bar (with the scale's ticks) as an SVG of its own that holds no text."""

    label: str
    level_label: str
    rated: bool
    track: SafeString


TRACK_WIDTH = BARS_WIDTH
TRACK_HEIGHT = BAR_HEIGHT + 4


def risk_profile_rows(bars: Sequence[Bar], *, steps: int, rtl: bool = False) -> tuple[Row, ...]:
    """The chart for the PDF. WeasyPrint draws an SVG's text left to right whatever its
    script, so that Arabic words in an SVG come out backwards: in the PDF the words are the
    document's own text, laid out by its direction, and only the bars and ticks are drawn,
    mirrored here by their coordinates for a right-to-left report."""
    x = (lambda at: TRACK_WIDTH - at) if rtl else (lambda at: at)
    steps = max(steps, 1)
    step_width = TRACK_WIDTH / steps
    rows = []
    for bar in bars:
        first_tick = 1 if bar.level is None else min(max(bar.level, 0), steps) + 1
        shapes = [_tick(x(i * step_width), 0, TRACK_HEIGHT) for i in range(first_tick, steps + 1)]
        if bar.level is not None:
            shapes.append(_bar(bar.level, steps, step_width, x, 2)[0])
        track = mark_safe(
            f'<svg xmlns="http://www.w3.org/2000/svg" aria-hidden="true" '
            f'viewBox="0 0 {TRACK_WIDTH} {TRACK_HEIGHT}" width="{TRACK_WIDTH}" '
            f'height="{TRACK_HEIGHT}">{"".join(shapes)}</svg>'
        )
        rows.append(Row(bar.label, bar.level_label, bar.level is not None, track))
    return tuple(rows)


def _tick(at: float, top: float, bottom: float) -> str:
    return (
        f'<line x1="{at:.1f}" y1="{top:.1f}" x2="{at:.1f}" y2="{bottom:.1f}" '
        f'stroke="#ced4da" stroke-width="1"/>'
    )


def _bar(
    level: int, steps: int, step_width: float, x: Callable[[float], float], top: float
) -> tuple[str, float]:
    """A level's bar, and its length. The lowest level is a sliver rather than nothing, so that
    the row is seen to be rated."""
    level = min(max(level, 0), steps)
    length = max(level * step_width, 3)
    colour = LEVEL_COLOURS[min(level, len(LEVEL_COLOURS) - 1)]
    rect = (
        f'<rect x="{min(x(0), x(length)):.1f}" y="{top:.1f}" width="{length:.1f}" '
        f'height="{BAR_HEIGHT}" fill="{colour}"/>'
    )
    return rect, length
