"""French typography and number formatting for templates (pages and the PDF report)."""

from __future__ import annotations

import re
from decimal import Decimal

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

NNBSP = "\u202f"  # narrow no-break space, before ; ! ? and inside « »
NBSP = "\u00a0"  # no-break space, before :
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


def format_number(value, decimals: int = 0) -> str:
    """1234567.891 → "1 234 567,9" (narrow no-break space between thousands)."""
    if value is None or value == "":
        return "—"
    number = Decimal(str(value))
    text = f"{number:,.{decimals}f}"
    return text.replace(",", NNBSP).replace(".", ",")


@register.filter
def fr_number(value, decimals: int = 0) -> str:
    return format_number(value, int(decimals))


@register.filter
def fr_percent(value, decimals: int = 0) -> str:
    if value is None or value == "":
        return "—"
    return f"{format_number(value, int(decimals))}{NBSP}%"


@register.filter
def fr_points(value, decimals: int = 0) -> str:
    """A signed change in points: +3 pts, −2 pts."""
    if value is None or value == "":
        return "—"
    number = round(Decimal(str(value)), int(decimals))
    sign = "+" if number > 0 else ("−" if number < 0 else "")
    unit = "pts" if abs(number) >= 2 else "pt"
    return f"{sign}{format_number(abs(number), int(decimals))}{NBSP}{unit}"


@register.filter
def fr_date(value) -> str:
    """A date written out the French way: "1er mars 2026", "31 décembre 2026"."""
    if not value:
        return ""
    from django.utils.dateformat import format as date_format

    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {date_format(value, 'F Y')}"
