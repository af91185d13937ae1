"""Charts as SVG drawn on the server: the same code for the portal's pages and the PDF report.

Read at a glance, on a phone too:

- axes have round ticks (1, 2, 2.5 or 5 × 10ⁿ apart: 0, 20, 40… never 88,4), a percentage axis
  stops at 100 % and nothing is drawn beyond it (`nice_ticks`);
- labels are at least 11 px where they are read: a chart is drawn at its natural width
  (`WIDTH`, the `.chart` class keeps it within its column) with `FONT`-px text, so that shrunk to
  a phone's column (`PHONE`) its text stays ≥ `MIN_FONT` (`rendered_font`);
- x-axis labels are short (months "janv.", days "3 nov.") and skipped when they would overlap
  (`shown_labels`); numbers, percentages and plurals are written by `coopqualite.formats`.

Every chart is an image (`role="img"`) named by its `<title>` and described by a `<desc>` that
gives its figures as text (`aria-labelledby` points at both); pages keep their table as well.
Only SVG presentation attributes are used (fill, stroke, font-size): nothing the Content
Security Policy blocks. Masked figures (the anonymity rule) are never passed in: callers draw
only what they may show.
"""

from __future__ import annotations

import hashlib
import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from coopqualite.formats import (
    NBSP,
    NNBSP,
    format_count,
    format_number,
    format_percent,
    format_points,
)

GOOD = "#1a7f37"
BAD = "#b42318"
NEUTRAL = "#1d4f91"
PREVIOUS = "#6e7781"  # the previous year beside the current one (contrast 4.6:1 on white)
GRID = "#d0d7de"
TEXT = "#1f2328"
MUTED = "#57606a"

WIDTH = 400  # natural width of a chart in a page (px)
FONT = 14  # text size at the natural width (px)
PHONE = 320  # the narrowest column a chart is shown in (a 390 px phone less the page margins)
MIN_FONT = 11  # no label smaller than this where it is read
PRINT_WIDTH = 600  # natural width in the PDF report (160 mm at 96 px/in: text at its size)
CHAR = 0.6  # average width of a character, in ems (a generous estimate for sans-serif)

Number = Decimal | float | int


@dataclass(frozen=True)
class Point:
    label: str
    value: Number | None


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: its label (with its base, e.g. "Accueil — 120 répondants"), its
    value, and its own target if it has one (a mark across the bar)."""

    label: str
    value: Number | None
    target: Number | None = None


@dataclass(frozen=True)
class Series:
    """One year (or wave) of a grouped bar chart: its name and a value per category."""

    name: str
    values: Sequence[Number | None]


# Scales -------------------------------------------------------------------------------------------

_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))


def nice_step(span: Number, intervals: int = 5, *, integer: bool = False) -> Decimal:
    """The round step (1, 2, 2.5 or 5 × 10ⁿ) that cuts `span` into about `intervals` parts; for
    `integer` values (counts) a whole step, never 2.5."""
    raw = Decimal(str(span)) / intervals
    if raw <= 0 or (integer and raw <= 1):
        return Decimal(1)
    magnitude = Decimal(10) ** math.floor(math.log10(raw))
    steps = [s for s in _STEPS if not (integer and magnitude == 1 and s == Decimal("2.5"))]
    return next(s for s in steps if s * magnitude >= raw) * magnitude


def nice_ticks(
    low: Number,
    high: Number,
    *,
    zero: bool = True,
    percent: bool = False,
    integer: bool = False,
    intervals: int = 5,
) -> list[Decimal]:
    """Round ticks covering [low, high]: max 88.4 → 0, 20, 40, 60, 80, 100; max 473 → 0, 100, …,
    500. `zero` starts the axis at 0 (bars and counts always do); a `percent` axis stays within
    0–100; an `integer` axis (counts) has whole steps."""
    lo, hi = Decimal(str(low)), Decimal(str(high))
    if percent:
        lo, hi = (min(max(v, Decimal(0)), Decimal(100)) for v in (lo, hi))
    if zero:
        lo, hi = min(lo, Decimal(0)), max(hi, Decimal(0))
    if hi == lo:
        widen = abs(lo) / 10 if lo else Decimal(1)
        # A percent axis at 100 % widens downwards: the top is its ceiling.
        lo, hi = (lo - widen, hi) if percent and hi >= 100 else (lo, hi + widen)
    step = nice_step(hi - lo, intervals, integer=integer)
    first = (lo / step).to_integral_value(rounding=ROUND_FLOOR) * step
    last = (hi / step).to_integral_value(rounding=ROUND_CEILING) * step
    if percent:
        first, last = max(first, Decimal(0)), min(last, Decimal(100))
    count = int((last - first) / step)
    return [(first + i * step).normalize() + 0 for i in range(count + 1)]


_STRIDES = (1, 2, 3, 4, 6, 12)


def shown_labels(count: int, *, slot: float, longest: int, font: float = FONT) -> list[int]:
    """Which of `count` evenly spaced x-axis labels to write so that none overlaps: every k-th
    from the first (k among 1, 2, 3, 4, 6, 12 and multiples of 12, so that monthly labels fall on
    the same months each year), and the last (the one before it is dropped when too close)."""
    if count <= 0:
        return []
    room = longest * font * CHAR + font  # a label and a gap of one em
    needed = max(1, math.ceil(room / slot)) if slot > 0 else count
    # a stride that falls on the same months every year (every 2, 3, 4, 6 or 12 months)
    every = next((k for k in _STRIDES if k >= needed), math.ceil(needed / 12) * 12)
    shown = list(range(0, count, every))
    if shown[-1] != count - 1:
        if (count - 1 - shown[-1]) * slot < room:
            shown.pop()
        shown.append(count - 1)
    return shown


def rendered_font(width: float, font: float = FONT, column: float = PHONE) -> float:
    """The size a chart's text is read at once the chart is shrunk into `column` px."""
    return font * min(1.0, column / width)


def _fmt(value: Number, unit: str = "") -> str:
    """An axis, target or value label: one decimal at most, the unit after a no-break space."""
    if unit == "%":
        return format_percent(value, 0 if Decimal(str(value)) % 1 == 0 else 1)
    text = format_number(value, 1, trim=True)
    return f"{text}{NBSP}{unit}" if unit else text


def _id(*parts: object) -> str:
    return "chart-" + hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()[:10]


def _open(kind: str, width: int, height: int, title: str, desc: str, key: object) -> str:
    ident = _id(kind, title, desc, key)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {kind}" role="img" '
        f'aria-labelledby="{ident}-t {ident}-d" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="{FONT}">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>'
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", fill: str = TEXT) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}">{escape(text)}</text>'
    )


def _label_box(x_end: float, y: float, label: str) -> str:
    """A white box under a label written over the plot (the target's), so that no line crosses
    its letters."""
    w = len(label) * FONT * CHAR * 0.9 + 6
    return (
        f'<rect x="{x_end - w + 3:.1f}" y="{y - FONT + 1:.1f}" width="{w:.1f}" '
        f'height="{FONT + 3}" fill="#ffffff" fill-opacity="0.85"/>'
    )


def _describe(points: Sequence[Point], unit: str) -> str:
    shown = [f"{p.label} : {_fmt(p.value, unit)}" for p in points if p.value is not None]
    return " ; ".join(shown) or "aucune valeur"


# Lines --------------------------------------------------------------------------------------------


def sparkline(
    points: Sequence[Point],
    *,
    title: str,
    target: Decimal | None = None,
    width: int = 120,
    height: int = 32,
    color: str = NEUTRAL,
) -> SafeString:
    """A small trend line with the target as a dashed line, for tables and cards (no text:
    its row says the figures)."""
    values = [float(p.value) if p.value is not None else None for p in points]
    every = [v for v in (*values, float(target) if target is not None else None) if v is not None]
    low, high = (min(every), max(every)) if every else (0.0, 1.0)
    if high == low:
        high, low = high + 1, low - 1

    def y(v: float) -> float:
        return height - 3 - (v - low) / (high - low) * (height - 6)

    step = (width - 6) / max(len(points) - 1, 1)
    coords = [(3 + i * step, y(v)) for i, v in enumerate(values) if v is not None]
    parts = [  # the row beside it says the figures: a name is enough
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart sparkline" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f"<title>{escape(title)}</title>"
    ]
    if target is not None:
        ty = y(float(target))
        parts.append(
            f'<line x1="0" x2="{width}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="{GRID}" '
            f'stroke-width="1.5" stroke-dasharray="3 2"/>'
        )
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{yy:.1f}" for x, yy in coords)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2" '
            f'stroke-linejoin="round" stroke-linecap="round"/>'
        )
    if coords:
        x, yy = coords[-1]
        parts.append(f'<circle cx="{x:.1f}" cy="{yy:.1f}" r="2.5" fill="{color}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def line_chart(
    points: Sequence[Point],
    *,
    title: str,
    unit: str = "",
    target: Number | None = None,
    reference: tuple[Number, str] | None = None,
    direction: str = "",
    zero: bool = False,
    integer: bool = False,
    width: int = WIDTH,
    height: int = 220,
) -> SafeString:
    """A line over time with round ticks on the y axis and readable labels on the x axis; the
    target as a dashed line labelled "cible …" ("cible ≤ 30 jours" with the indicator's
    `direction`, "higher" or "lower"), or another `reference` (value, label). A "%" unit
    keeps the axis within 0–100 %; `zero` starts it at 0 and `integer` keeps whole steps
    (counts)."""
    percent = unit == "%"
    values = [
        min(float(p.value), 100.0) if percent and p.value is not None else p.value for p in points
    ]
    sign = {"higher": "≥ ", "lower": "≤ "}.get(direction, "")
    lines = [(target, f"cible {sign}{_fmt(target, unit)}", BAD)] if target is not None else []
    if reference is not None:
        lines.append((reference[0], reference[1], MUTED))
    known = [Decimal(str(v)) for v in (*values, *(v for v, _, _ in lines)) if v is not None]
    low, high = (min(known), max(known)) if known else (Decimal(0), Decimal(1))
    ticks = nice_ticks(low, high, zero=zero, percent=percent, integer=integer, intervals=4)
    tick_width = max(len(_fmt(t, unit)) for t in ticks) * FONT * CHAR
    left, right, top, bottom = 8 + tick_width, 16, 12 + FONT, 12 + 2 * FONT
    inner_w, inner_h = width - left - right, height - top - bottom
    lo, hi = float(ticks[0]), float(ticks[-1])

    def y(v: Number) -> float:
        clamped = min(max(float(v), lo), hi)
        return top + inner_h - (clamped - lo) / (hi - lo) * inner_h

    parts = [_open("line-chart", width, height, title, _describe(points, unit), (target, unit))]
    for tick in ticks:
        ty = y(tick)
        parts.append(
            f'<line x1="{left:.1f}" x2="{width - right}" y1="{ty:.1f}" y2="{ty:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            + _text(left - 6, ty + FONT * 0.35, _fmt(tick, unit), anchor="end")
        )
    labels = []  # written last, over the line of values
    for value, label, color in lines:
        ty = y(value)
        parts.append(
            f'<line x1="{left:.1f}" x2="{width - right}" y1="{ty:.1f}" y2="{ty:.1f}" '
            f'stroke="{color}" stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
        labels.append(
            _label_box(width - right, ty - 5, label)
            + _text(width - right, ty - 5, label, anchor="end", fill=color)
        )
    step = inner_w / max(len(points) - 1, 1)
    longest = max((len(p.label) for p in points), default=0)
    for i in shown_labels(len(points), slot=step, longest=longest):
        x = left + i * step
        anchor = "start" if i == 0 else "end" if i == len(points) - 1 else "middle"
        parts.append(_text(x, height - bottom + FONT + 8, points[i].label, anchor=anchor))
    coords = [(left + i * step, y(v)) for i, v in enumerate(values) if v is not None]
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{yy:.1f}" for x, yy in coords)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{NEUTRAL}" stroke-width="2.5" '
            f'stroke-linejoin="round"/>'
        )
    for x, yy in coords:
        parts.append(f'<circle cx="{x:.1f}" cy="{yy:.1f}" r="3.5" fill="{NEUTRAL}"/>')
    parts += [*labels, "</svg>"]
    return mark_safe("".join(parts))


def progress_chart(
    points: Sequence[Point], *, title: str, invited: int | None = None, width: int = WIDTH
) -> SafeString:
    """Answers received so far, cumulated day by day (labels "3 nov."), from 0 with round ticks;
    the number invited as a reference line ("40 invités")."""
    reference = None
    if invited:
        reference = (invited, format_count(invited, "invité", "invités"))
    counted = [Point(p.label, p.value) for p in points]
    chart = line_chart(
        counted,
        title=title,
        zero=True,
        integer=True,
        reference=reference,
        width=width,
        height=200,
    )
    last = next((p for p in reversed(points) if p.value is not None), None)
    if last is None:
        return chart
    total = format_count(int(last.value or 0), "réponse", "réponses")
    return mark_safe(chart.replace("</desc>", f" (en tout : {escape(total)})</desc>", 1))


# Bars ---------------------------------------------------------------------------------------------


def _wrap(text: str, width: float, font: float = FONT) -> list[str]:
    """Lines of at most `width` px; never broken at a no-break space ("1 753", "82 %")."""
    kept = text.replace(NNBSP, "\x00").replace(NBSP, "\x01")
    lines = textwrap.wrap(kept, max(8, int(width / (font * CHAR)))) or [""]
    return [line.replace("\x00", NNBSP).replace("\x01", NBSP) for line in lines]


def _value_x(end: float, text: str, marks: Sequence[float]) -> float:
    """Where a bar's value is written: just after the bar, or after a target mark that would
    cross it."""
    x = end + 6
    for mark in sorted(marks):
        if x - 4 <= mark <= x + len(text) * FONT * CHAR:
            x = mark + 6
    return x


def _axis(ticks: list[Decimal], x: Callable[[Number], float], y: float, unit: str) -> list[str]:
    """The labels of a horizontal axis under bars: as many ticks as fit."""
    labels = [_fmt(t, unit) for t in ticks]
    slot = x(ticks[1]) - x(ticks[0]) if len(ticks) > 1 else 0
    shown = shown_labels(len(ticks), slot=slot, longest=max(len(t) for t in labels))
    return [
        _text(
            x(ticks[i]),
            y,
            labels[i],
            anchor="start" if i == 0 else "end" if i == len(ticks) - 1 else "middle",
            fill=MUTED,
        )
        for i in shown
    ]


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    unit: str = "%",
    target: Number | None = None,
    maximum: Number | None = None,
    width: int = WIDTH,
) -> SafeString:
    """Horizontal bars, each under its label (long labels wrap, so the chart fits a phone), the
    value at the end of the bar; the target of all bars as a dashed vertical line ("cible 80 %"),
    or each bar's own target as a mark across it. A "%" axis runs 0–100 %; bars without a value
    (no figure to show) are left out."""
    bars = [b for b in bars if b.value is not None]
    percent = unit == "%"
    values = [Decimal(str(b.value)) for b in bars]
    marks = [Decimal(str(t)) for t in (target, *(b.target for b in bars)) if t is not None]
    top_value = max((*values, *marks, Decimal(0)))
    if maximum is not None:
        top_value = Decimal(str(maximum))
    ticks = nice_ticks(0, 100 if percent else top_value, percent=percent)
    value_room = FONT * CHAR * max((len(_fmt(v, unit)) for v in values), default=4) + 10
    left, right = 4, value_room + 4
    inner_w, hi = width - left - right, float(ticks[-1])

    def x(v: Number) -> float:
        return left + min(max(float(v), 0.0), hi) / hi * inner_w

    bar_h, gap, line_h = 16, 12, FONT + 4
    y, rows = FONT + 14 if target is not None else 6, []
    for bar in bars:
        lines = _wrap(bar.label, width - 8)
        rows.append((bar, lines, y))
        y += len(lines) * line_h + 4 + bar_h + gap
    plot_top, plot_bottom = (FONT + 14 if target is not None else 6), y - gap + 4
    height = int(plot_bottom + FONT + 14)
    desc = " ; ".join(
        f"{b.label} : {_fmt(b.value, unit)}"
        + (f" (cible {_fmt(b.target, unit)})" if b.target is not None else "")
        for b in bars
        if b.value is not None
    )
    if target is not None:
        desc = f"Cible : {_fmt(target, unit)}. {desc}"
    parts = [_open("bar-chart", width, height, title, desc or "aucune valeur", (target, unit))]
    for tick in ticks:
        tx = x(tick)
        parts.append(
            f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{plot_top}" y2="{plot_bottom:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
    parts += _axis(ticks, x, height - 6, unit)
    for bar, lines, top in rows:
        for n, line in enumerate(lines):
            parts.append(_text(left, top + (n + 1) * line_h - 4, line))
        by = top + len(lines) * line_h + 4
        end, value = x(bar.value or 0), _fmt(bar.value or 0, unit)
        crossing = [x(t) for t in (target, bar.target) if t is not None]
        parts.append(
            f'<rect x="{left}" y="{by:.1f}" width="{max(end - left, 1):.1f}" height="{bar_h}" '
            f'fill="{NEUTRAL}"/>' + _text(_value_x(end, value, crossing), by + bar_h - 3, value)
        )
        if bar.target is not None:
            tx = x(bar.target)
            parts.append(
                f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{by - 4:.1f}" y2="{by + bar_h + 4:.1f}" '
                f'stroke="{TEXT}" stroke-width="3"/>'
            )
    if target is not None:
        tx = x(target)
        anchor = "end" if tx > width / 2 else "start"
        parts.append(
            f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{plot_top - 4}" y2="{plot_bottom:.1f}" '
            f'stroke="{BAD}" stroke-width="2" stroke-dasharray="5 3"/>'
            + _text(tx, FONT + 4, f"cible {_fmt(target, unit)}", anchor=anchor, fill=BAD)
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def grouped_bar_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    unit: str = "",
    maximum: Number | None = None,
    width: int = WIDTH,
) -> SafeString:
    """Two years (or waves) side by side: per category its label, then one bar per series, the
    first in grey, the last in blue, each with its value; a legend on top. For comparisons such
    as the ISO 26000 self-assessment (a score per core subject, this year and last year)."""
    colors = [PREVIOUS, NEUTRAL] if len(series) == 2 else [NEUTRAL] * len(series)
    known = [Decimal(str(v)) for s in series for v in s.values if v is not None]
    top_value = Decimal(str(maximum)) if maximum is not None else max(known, default=Decimal(1))
    ticks = nice_ticks(0, top_value, percent=unit == "%")
    value_room = FONT * CHAR * max((len(_fmt(v, unit)) for v in known), default=4) + 10
    left, inner_w, hi = 4, width - 8 - value_room, float(ticks[-1])
    bar_h, line_h = 14, FONT + 4

    def x(v: Number) -> float:
        return left + min(max(float(v), 0.0), hi) / hi * inner_w

    parts_body, y = [], FONT + 16
    lx = left
    legend = []
    for s, color in zip(series, colors, strict=True):
        legend.append(
            f'<rect x="{lx}" y="4" width="{FONT}" height="{FONT}" fill="{color}"/>'
            + _text(lx + FONT + 4, FONT + 2, s.name)
        )
        lx += FONT + 16 + int(len(s.name) * FONT * CHAR)
    plot_top = y
    for i, category in enumerate(categories):
        lines = _wrap(category, width - 8)
        for n, line in enumerate(lines):
            parts_body.append(_text(left, y + (n + 1) * line_h - 4, line))
        y += len(lines) * line_h + 4
        for s, color in zip(series, colors, strict=True):
            value = s.values[i] if i < len(s.values) else None
            if value is None:
                parts_body.append(_text(left, y + bar_h - 2, f"{s.name} : pas de note", fill=MUTED))
            else:
                end = x(value)
                parts_body.append(
                    f'<rect x="{left}" y="{y}" width="{max(end - left, 1):.1f}" height="{bar_h}" '
                    f'fill="{color}"/>' + _text(end + 6, y + bar_h - 2, _fmt(value, unit))
                )
            y += bar_h + 3
        y += 10
    plot_bottom = y - 10
    height = int(plot_bottom + FONT + 14)

    def said(s: Series, i: int) -> str:
        value = s.values[i] if i < len(s.values) else None
        return f"{s.name} {'pas de note' if value is None else _fmt(value, unit)}"

    desc = " ; ".join(
        f"{c} : " + ", ".join(said(s, i) for s in series) for i, c in enumerate(categories)
    )
    grid = [
        f'<line x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{plot_top}" y2="{plot_bottom}" '
        f'stroke="{GRID}" stroke-width="1"/>'
        for t in ticks
    ]
    axis = _axis(ticks, x, height - 6, unit)
    parts = [_open("grouped-bar-chart", width, height, title, desc, unit), *legend, *grid]
    parts += [*parts_body, *axis, "</svg>"]
    return mark_safe("".join(parts))


# Key figures --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyFigure:
    """A big number and its change since the previous year, for a key-figures page or card
    (`templates/components/key_figure.html`): "73 %" and "+3,2 pts par rapport à 2025", "1 234"
    and "+12 par rapport à 2025". `unit` "%" for a rate (change in points), "" for a count,
    anything else is written after the number."""

    label: str
    value: Number | None
    previous: Number | None = None
    unit: str = ""
    decimals: int = 0
    since: str = ""  # "2025": the previous value's year or period
    base: str = ""  # e.g. "base : 1 753 répondants"

    @property
    def value_text(self) -> str:
        if self.value is None:
            return format_number(None)
        if self.unit == "%":
            return format_percent(self.value, self.decimals)
        text = format_number(self.value, self.decimals)
        return f"{text}{NBSP}{self.unit}" if self.unit else text

    @property
    def change(self) -> Decimal | None:
        if self.value is None or self.previous is None:
            return None
        return Decimal(str(self.value)) - Decimal(str(self.previous))

    @property
    def change_text(self) -> str:
        """ "+3,2 pts", "−12", "stable"; empty without a previous value."""
        change = self.change
        if change is None:
            return ""
        decimals = max(self.decimals, 1) if self.unit == "%" else self.decimals
        if change.quantize(Decimal(1).scaleb(-decimals)) % 1 == 0:
            decimals = 0  # "−2 pts", not "−2,0 pts"
        if self.unit == "%":
            text = format_points(change, decimals)
        else:
            text = format_number(abs(change), decimals)
            if Decimal(text.replace(NNBSP, "").replace(",", ".")) == 0:
                return "stable"
            text = ("+" if change > 0 else "−") + text
            if self.unit:
                text = f"{text}{NBSP}{self.unit}"
        return "stable" if text.startswith("0") else text

    @property
    def direction(self) -> str:
        """ "up", "down" or "same" (for the arrow; the words say it too)."""
        text = self.change_text
        return "same" if text in ("", "stable") else "up" if text.startswith("+") else "down"
