"""Periods of indicators: months, quarters and years, named by their first day."""

import datetime as dt

import pytest

from engagements import periods

D = dt.date


@pytest.mark.parametrize(
    ("period", "day", "expected"),
    [
        ("month", D(2026, 3, 17), D(2026, 3, 1)),
        ("month", D(2026, 3, 1), D(2026, 3, 1)),
        ("month", D(2026, 12, 31), D(2026, 12, 1)),
        ("quarter", D(2026, 1, 1), D(2026, 1, 1)),
        ("quarter", D(2026, 3, 31), D(2026, 1, 1)),
        ("quarter", D(2026, 4, 1), D(2026, 4, 1)),
        ("quarter", D(2026, 8, 15), D(2026, 7, 1)),
        ("quarter", D(2026, 12, 31), D(2026, 10, 1)),
        ("year", D(2026, 7, 14), D(2026, 1, 1)),
        ("year", D(2026, 12, 31), D(2026, 1, 1)),
    ],
)
def test_start_of_gives_the_first_day_of_the_period_containing_the_day(period, day, expected):
    assert periods.start_of(period, day) == expected


@pytest.mark.parametrize(
    ("period", "start", "count", "expected"),
    [
        ("month", D(2026, 1, 1), 1, D(2026, 2, 1)),
        ("month", D(2026, 12, 1), 1, D(2027, 1, 1)),
        ("month", D(2026, 1, 1), -1, D(2025, 12, 1)),
        ("month", D(2026, 3, 1), -14, D(2025, 1, 1)),
        ("quarter", D(2026, 10, 1), 1, D(2027, 1, 1)),
        ("quarter", D(2026, 1, 1), -1, D(2025, 10, 1)),
        ("quarter", D(2026, 4, 1), 5, D(2027, 7, 1)),
        ("year", D(2026, 1, 1), 1, D(2027, 1, 1)),
        ("year", D(2026, 1, 1), -3, D(2023, 1, 1)),
        ("quarter", D(2026, 7, 1), 0, D(2026, 7, 1)),
    ],
)
def test_shift_moves_by_whole_periods_across_year_boundaries(period, start, count, expected):
    assert periods.shift(period, start, count) == expected


@pytest.mark.parametrize(
    ("period", "start", "expected"),
    [
        ("month", D(2026, 2, 1), D(2026, 2, 28)),
        ("month", D(2028, 2, 1), D(2028, 2, 29)),
        ("month", D(2026, 12, 1), D(2026, 12, 31)),
        ("quarter", D(2026, 1, 1), D(2026, 3, 31)),
        ("quarter", D(2026, 4, 1), D(2026, 6, 30)),
        ("quarter", D(2026, 10, 1), D(2026, 12, 31)),
        ("year", D(2026, 1, 1), D(2026, 12, 31)),
    ],
)
def test_end_of_gives_the_last_day_of_the_period(period, start, expected):
    assert periods.end_of(period, start) == expected


def test_last_starts_of_months_ends_with_the_current_month_oldest_first():
    assert periods.last_starts("month", 3, D(2026, 2, 10)) == [
        D(2025, 12, 1),
        D(2026, 1, 1),
        D(2026, 2, 1),
    ]


def test_last_starts_of_quarters_ends_with_the_current_quarter_oldest_first():
    assert periods.last_starts("quarter", 4, D(2026, 5, 20)) == [
        D(2025, 7, 1),
        D(2025, 10, 1),
        D(2026, 1, 1),
        D(2026, 4, 1),
    ]


def test_last_starts_of_years_ends_with_the_current_year_oldest_first():
    assert periods.last_starts("year", 2, D(2026, 5, 20)) == [D(2025, 1, 1), D(2026, 1, 1)]


def test_last_starts_of_one_period_is_only_the_current_one():
    assert periods.last_starts("quarter", 1, D(2026, 9, 30)) == [D(2026, 7, 1)]


@pytest.mark.parametrize(
    ("period", "start", "expected"),
    [
        ("quarter", D(2026, 1, 1), "T1 2026"),
        ("quarter", D(2026, 7, 1), "T3 2026"),
        ("quarter", D(2026, 10, 1), "T4 2026"),
        ("month", D(2026, 3, 1), "mars 2026"),
        ("month", D(2026, 8, 1), "août 2026"),
        ("month", D(2025, 12, 1), "décembre 2025"),
        ("year", D(2026, 1, 1), "2026"),
    ],
)
def test_label_names_the_period_in_french(period, start, expected):
    assert periods.label(period, start) == expected


def test_is_valid_start_accepts_only_the_first_day_of_a_period():
    assert periods.is_valid_start("quarter", D(2026, 4, 1))
    assert not periods.is_valid_start("quarter", D(2026, 5, 1))
