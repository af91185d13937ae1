"""Numbers and dates written the French way: the one formatter of the portal, its charts and
its PDF.

Decimal comma, a narrow no-break space between thousands, halves rounded up (12,5 → 13), a dash
for a missing value, and the French plural (0 and 1 take the singular). Templates use it through
the `french` filters; charts, reads and messages call it directly.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils.dateformat import format as date_format

NNBSP = "\u202f"  # narrow no-break space: between thousands, before ; ! ? and inside « »
NBSP = "\u00a0"  # no-break space: before : and %
MISSING = "—"


def _decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def format_number(value, decimals: int = 0, *, trim: bool = False) -> str:
    """1234567.891 → "1 234 567,9" with one decimal. With `trim`, decimals that are zeros are
    left out: 85.50 → "85,5", 85.00 → "85" with two decimals."""
    if value is None or value == "":
        return MISSING
    number = _decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if number == 0:
        number = abs(number)  # never "-0"
    text = f"{number:,.{decimals}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", NNBSP).replace(".", ",")


def format_measure(value) -> str:
    """A measured or target value as it was entered (two decimals at most): 85.50 → "85,5"."""
    return format_number(value, 2, trim=True)


def format_percent(value, decimals: int = 0) -> str:
    """62.54 → "63 %" (no-break space before the sign)."""
    if value is None or value == "":
        return MISSING
    return f"{format_number(value, decimals)}{NBSP}%"


def format_points(value, decimals: int = 0) -> str:
    """A signed change in percentage points: "+3 pts", "−2 pts", "+1 pt", "0 pt"."""
    if value is None or value == "":
        return MISSING
    text = format_number(abs(_decimal(value)), decimals)
    number = Decimal(text.replace(NNBSP, "").replace(",", "."))
    sign = "" if number == 0 else ("+" if _decimal(value) > 0 else "−")
    unit = "pts" if number >= 2 else "pt"
    return f"{sign}{text}{NBSP}{unit}"


def format_count(n: int, singular: str, plural: str) -> str:
    """A count with its noun, French plural rule (0 and 1 take the singular): "1 invitation",
    "0 invitation", "1 234 invitations"."""
    return f"{format_number(n)} {singular if abs(n) < 2 else plural}"


def format_date(value: dt.date | None) -> str:
    """A date written out the French way: "1er mars 2026", "31 décembre 2026" ("" when None)."""
    if not value:
        return ""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {date_format(value, 'F Y')}"


def format_month(value: dt.date | None) -> str:
    """A month and its year: "juin 2026" ("" when None)."""
    return date_format(value, "F Y") if value else ""
