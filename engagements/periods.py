"""Periods of indicators: months, quarters and years, identified by their first day."""

import datetime as dt

from django.db import models

from coopqualite.formats import format_month, format_month_short


class Period(models.TextChoices):
    MONTH = "month", "Mois"
    QUARTER = "quarter", "Trimestre"
    YEAR = "year", "Année"


_MONTHS = {Period.MONTH: 1, Period.QUARTER: 3, Period.YEAR: 12}


def start_of(period: str, day: dt.date) -> dt.date:
    """First day of the period that contains `day`."""
    if period == Period.YEAR:
        return dt.date(day.year, 1, 1)
    if period == Period.QUARTER:
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return dt.date(day.year, day.month, 1)


def shift(period: str, start: dt.date, count: int) -> dt.date:
    """The start of the period `count` periods after (negative: before) `start`."""
    months = start.year * 12 + (start.month - 1) + count * _MONTHS[Period(period)]
    return dt.date(months // 12, months % 12 + 1, 1)


def end_of(period: str, start: dt.date) -> dt.date:
    """Last day of the period that starts on `start`."""
    return shift(period, start, 1) - dt.timedelta(days=1)


def last_starts(period: str, count: int, today: dt.date) -> list[dt.date]:
    """Starts of the `count` last complete-or-current periods, oldest first, ending at today."""
    current = start_of(period, today)
    return [shift(period, current, -i) for i in range(count - 1, -1, -1)]


def label(period: str, start: dt.date) -> str:
    if period == Period.YEAR:
        return str(start.year)
    if period == Period.QUARTER:
        return f"T{(start.month - 1) // 3 + 1} {start.year}"
    return format_month(start)


def is_valid_start(period: str, day: dt.date) -> bool:
    return start_of(period, day) == day


def axis_label(period: str, start: dt.date) -> str:
    """The period on a chart's axis: "janv. 2026", "T1 2026", "2026"."""
    if period == Period.MONTH:
        return format_month_short(start)
    return label(period, start)
