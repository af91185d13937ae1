"""Charts as SVG drawn on the server: the same code for the portal's pages and the PDF report.

Each chart is an image with a title (`role="img"`, `<title>`); callers always show the same
figures as text or in a table too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from coopqualite.formats import NNBSP, format_number

GOOD = "#1a7f37"
BAD = "#b42318"
NEUTRAL = "#1d4f91"
GRID = "#d0d7de"
TEXT = "#1f2328"


@dataclass(frozen=True)
class Point:
    label: str
    value: Decimal | float | None


def _scale(values: Sequence[float | None], extra: Sequence[float]) -> tuple[float, float]:
    every = [v for v in (*values, *extra) if v is not None]
    low, high = (min(every), max(every)) if every else (0.0, 1.0)
    if high == low:
        high, low = high + 1, low - 1
    pad = (high - low) * 0.1
    return low - pad, high + pad


def _fmt(value: float | Decimal) -> str:
    """An axis or target label: one decimal at most."""
    return format_number(value, 1, trim=True)


def sparkline(
    points: Sequence[Point],
    *,
    title: str,
    target: Decimal | None = None,
    width: int = 120,
    height: int = 32,
    color: str = NEUTRAL,
) -> SafeString:
    """A small trend line with the target as a dashed line, for tables and cards."""
    values = [float(p.value) if p.value is not None else None for p in points]
    low, high = _scale(values, [float(target)] if target is not None else [])

    def y(v: float) -> float:
        return height - 2 - (v - low) / (high - low) * (height - 4)

    step = (width - 4) / max(len(points) - 1, 1)
    coords = [(2 + i * step, y(v)) for i, v in enumerate(values) if v is not None]
    parts = [
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
    target: Decimal | None = None,
    width: int = 640,
    height: int = 220,
) -> SafeString:
    """A labelled line chart with axis ticks, the target line and each point's value."""
    left, right, top, bottom = 48, 28, 16, 40
    inner_w, inner_h = width - left - right, height - top - bottom
    values = [float(p.value) if p.value is not None else None for p in points]
    low, high = _scale(values, [float(target)] if target is not None else [])

    def y(v: float) -> float:
        return top + inner_h - (v - low) / (high - low) * inner_h

    step = inner_w / max(len(points) - 1, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart line-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'preserveAspectRatio="xMidYMid meet" '
        f'font-family="sans-serif" font-size="11">'
        f"<title>{escape(title)}</title>"
    ]
    whole = high - low > 20  # counts and large values: no decimals on the axis
    for i in range(5):
        tick = low + (high - low) * i / 4
        tick = round(tick) if whole else tick
        yy = y(tick)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{yy:.1f}" y2="{yy:.1f}" '
            f'stroke="{GRID}" stroke-width="0.5"/>'
            f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end" fill="{TEXT}">'
            f"{escape(_fmt(tick))}</text>"
        )
    if target is not None:
        ty = y(float(target))
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{ty:.1f}" y2="{ty:.1f}" '
            f'stroke="{BAD}" stroke-width="1.5" stroke-dasharray="6 4"/>'
            f'<text x="{width - right}" y="{ty - 4:.1f}" text-anchor="end" fill="{BAD}">'
            f"cible {escape(_fmt(target))}{NNBSP}{escape(unit)}</text>"
        )
    coords = []
    every = max(1, len(points) // 8)
    for i, (point, v) in enumerate(zip(points, values, strict=True)):
        x = left + i * step
        last = i == len(points) - 1
        if last or (i % every == 0 and len(points) - 1 - i >= every / 2):
            parts.append(
                f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                f'fill="{TEXT}">{escape(point.label)}</text>'
            )
        if v is not None:
            coords.append((x, y(v), v))
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{yy:.1f}" for x, yy, _ in coords)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{NEUTRAL}" stroke-width="2.5"/>'
        )
    for x, yy, _ in coords:
        parts.append(f'<circle cx="{x:.1f}" cy="{yy:.1f}" r="3.5" fill="{NEUTRAL}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
