"""Numbers and dates written the French way: the one formatter of the portal, its charts and its
PDF.

Numbers: decimal comma, a narrow no-break space between thousands, halves rounded up (12,5 → 13),
a dash for a missing value, and the French plural (0 and 1 take the singular). Dates: one style,
the day and the month in words, "28 novembre 2026", "1er mars 2026" (a moment adds its time in
Paris, "à 14 h 05"; a month is "novembre 2026"). Templates use it through the `french` filters;
charts, reads and messages call it directly.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

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


MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def _local_day(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def format_date(value: dt.date | dt.datetime | None) -> str:
    """The one date style of the portal: "28 novembre 2026", "1er mars 2026" (a moment is read
    in the portal's time zone)."""
    if not value:
        return MISSING
    day = _local_day(value)
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def format_month(value: dt.date | None) -> str:
    """A month: "novembre 2026"."""
    if not value:
        return MISSING
    day = _local_day(value)
    return f"{MONTHS[day.month - 1]} {day.year}"


def format_datetime(value: dt.datetime | None) -> str:
    """A moment: "28 novembre 2026 à 14 h 05", in the portal's time zone."""
    if not value:
        return MISSING
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{format_date(local)} à {local.hour} h {local.minute:02d}"
