"""French typography for templates (pages and the PDF report), and the template filters of
`coopqualite.formats`, the one number and date formatter."""

from __future__ import annotations

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from coopqualite.formats import (
    NBSP,
    NNBSP,
    format_count,
    format_date,
    format_datetime,
    format_measure,
    format_month,
    format_number,
    format_percent,
    format_points,
)

register = template.Library()

_BEFORE_TALL = re.compile(r"[ \u00a0]+([;!?»])")
_BEFORE_COLON = re.compile(r"[ \u00a0]+:")
_AFTER_GUILLEMET = re.compile(r"«[ \u00a0]+")


@register.filter
def typo(text) -> str:
    """Non-breaking spaces where French typography wants them (text is escaped first)."""
    if text is None:
        return ""
    value = str(conditional_escape(text))
    value = _BEFORE_TALL.sub(lambda m: NNBSP + m.group(1), value)
    value = _BEFORE_COLON.sub(NBSP + ":", value)
    value = _AFTER_GUILLEMET.sub("«" + NNBSP, value)
    return mark_safe(value)


@register.filter
def fr_number(value, decimals: int = 0) -> str:
    return format_number(value, int(decimals))


@register.filter
def fr_measure(value) -> str:
    """A measured or target value, without trailing zeros: 85.50 → "85,5"."""
    return format_measure(value)


@register.filter
def fr_percent(value, decimals: int = 0) -> str:
    return format_percent(value, int(decimals))


@register.filter
def fr_points(value, decimals: int = 0) -> str:
    """A signed change in points: +3 pts, −2 pts."""
    return format_points(value, int(decimals))


@register.filter
def fr_count(value, forms: str) -> str:
    """A count and its noun, French plural (0 and 1 take the singular):
    {{ n|fr_count:"réponse,réponses" }}."""
    singular, _, plural = forms.partition(",")
    return format_count(int(value or 0), singular, plural)


@register.filter
def fr_date(value) -> str:
    """The one date style: "28 novembre 2026", "1er mars 2026"."""
    return format_date(value)


@register.filter
def fr_datetime(value) -> str:
    """A moment: "28 novembre 2026 à 14 h 05"."""
    return format_datetime(value)


@register.filter
def fr_month(value) -> str:
    """A month: "novembre 2026"."""
    return format_month(value)
