"""Numbers and dates written the French way: the one formatter of the portal, its charts and its
PDF.

Numbers: decimal comma, a narrow no-break space between thousands, halves rounded up (12,5 → 13),
a dash for a missing value, and the French plural (0 and 1 take the singular). Dates: one style,
the day and the month in words, "28 novembre 2026", "1er mars 2026" (a moment adds its time in
Paris, "à 14 h 05"; a month is "novembre 2026"). Templates use it through the `french` filters;
charts, reads and messages call it directly. Numbers typed in are read by `parse_decimal` (the
decimal fields of every form: `coopqualite.fields.DecimalField`).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

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


MONTHS_SHORT = (
    "janv.", "févr.", "mars", "avr.", "mai", "juin",
    "juil.", "août", "sept.", "oct.", "nov.", "déc.",
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


def format_month_short(value: dt.date, *, year: bool = True) -> str:
    """A month on a chart's axis: "janv. 2026", or "janv." without the year."""
    day = _local_day(value)
    month = MONTHS_SHORT[day.month - 1]
    return f"{month} {day.year}" if year else month


def format_day_short(value: dt.date) -> str:
    """A day on a chart's axis: "3 nov.", "1er déc."."""
    day = _local_day(value)
    return f"{'1er' if day.day == 1 else day.day} {MONTHS_SHORT[day.month - 1]}"


def format_datetime(value: dt.datetime | None) -> str:
    """A moment: "28 novembre 2026 à 14 h 05", in the portal's time zone."""
    if not value:
        return MISSING
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{format_date(local)} à {local.hour} h {local.minute:02d}"


# Numbers typed in ---------------------------------------------------------------------------------

_SPACES = " \u00a0\u202f"
_GROUPED = re.compile(r"[+-]?\d{1,3}([ \u00a0\u202f]\d{3})+([.,]\d*)?")
_CHARACTERS = re.compile(r"[+-]?[\d., \u00a0\u202f]+")
_NUMBER = re.compile(r"[+-]?[\d.,]*\d[\d.,]*")
_EXAMPLE = "écrivez-le sans séparateur de milliers, avec une virgule pour les décimales (1234,5)"


class NumberError(ValueError):
    """A typed number that cannot be read, or could be read two ways (message in French)."""


def parse_decimal(text: str) -> Decimal:
    """A number typed by a person: "2,5" and "2.5" are both two and a half, spaces may separate
    thousands ("1 234,5"). Refused, so that nobody's "2,5" silently becomes 25: letters or units,
    a point and a comma together ("1.234,5"), several separators ("1,234,5"), and one separator
    followed by exactly three digits after one to three others ("1,234", "12.500"), which reads
    as thousands as well as decimals."""
    typed = text.strip()
    compact = typed.replace("\u2212", "-")  # the typographic minus
    if not _CHARACTERS.fullmatch(compact) or not any(c.isdigit() for c in compact):
        raise NumberError(
            f"« {typed} » n'est pas un nombre : écrivez des chiffres seulement, sans unité, "
            f"avec une virgule pour les décimales (2,5)."
        )
    if any(space in compact for space in _SPACES):
        if not _GROUPED.fullmatch(compact):
            raise NumberError(
                f"« {typed} » n'est pas un nombre : les espaces ne séparent que les milliers "
                f"(1 234,5)."
            )
        compact = "".join(c for c in compact if c not in _SPACES)
    if not _NUMBER.fullmatch(compact):
        raise NumberError(f"« {typed} » n'est pas un nombre : {_EXAMPLE}.")
    if "." in compact and "," in compact:
        raise NumberError(f"« {typed} » mêle un point et une virgule : {_EXAMPLE}.")
    separators = compact.count(".") + compact.count(",")
    if separators > 1:
        raise NumberError(f"« {typed} » contient plusieurs séparateurs : {_EXAMPLE}.")
    whole, _, decimals = compact.replace(",", ".").partition(".")
    digits = whole.lstrip("+-")
    if separators and len(decimals) == 3 and 1 <= len(digits) <= 3 and digits != "0":
        raise NumberError(
            f"« {typed} » est ambigu : séparateur de milliers ou virgule décimale ? S'il s'agit "
            f"de {digits}{decimals}, écrivez {digits}{decimals} sans séparateur ; la virgule "
            f"sert aux décimales (2,5)."
        )
    try:
        return Decimal(compact.replace(",", "."))
    except InvalidOperation:
        raise NumberError(f"« {typed} » n'est pas un nombre : {_EXAMPLE}.") from None
