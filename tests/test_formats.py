"""Numbers written the French way, by one formatter wherever they appear."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from coopqualite.charts import Point, line_chart
from coopqualite.formats import (
    format_count,
    format_measure,
    format_number,
    format_percent,
    format_points,
)
from engagements.models import Indicator
from engagements.selectors import IndicatorLine

NNBSP = "\u202f"
NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1234567.891, 1, f"1{NNBSP}234{NNBSP}567,9"),
        (Decimal("1234567"), 0, f"1{NNBSP}234{NNBSP}567"),
        (12.5, 0, "13"),  # halves go up
        (0.25, 1, "0,3"),
        (-2.5, 0, "-3"),
        (-0.04, 1, "0,0"),  # never "-0,0"
        (7, 2, "7,00"),
        (None, 0, "—"),
        ("", 0, "—"),
    ],
)
def test_a_number_has_a_decimal_comma_and_narrow_spaces_between_thousands(
    value, decimals, expected
):
    assert format_number(value, decimals) == expected


def test_a_measure_keeps_two_decimals_at_most_and_drops_trailing_zeros():
    assert format_measure(Decimal("85.50")) == "85,5"
    assert format_measure(Decimal("85.00")) == "85"
    assert format_measure(Decimal("1234.56")) == f"1{NNBSP}234,56"
    assert format_measure(3.14159) == "3,14"


def test_a_percentage_has_a_no_break_space_before_its_sign():
    assert format_percent(62.5) == f"63{NBSP}%"
    assert format_percent(62.54, 1) == f"62,5{NBSP}%"
    assert format_percent(None) == "—"


def test_a_change_in_points_is_signed_and_singular_below_two():
    assert format_points(2.4) == f"+2{NBSP}pts"
    assert format_points(-1) == f"−1{NBSP}pt"
    assert format_points(1.6) == f"+2{NBSP}pts"
    assert format_points(0.4) == f"0{NBSP}pt"
    assert format_points(-3.25, 1) == f"−3,3{NBSP}pts"


def test_a_count_takes_the_french_plural_from_two_on():
    assert format_count(0, "invitation créée", "invitations créées") == "0 invitation créée"
    assert format_count(1, "invitation créée", "invitations créées") == "1 invitation créée"
    assert format_count(2, "invitation créée", "invitations créées") == "2 invitations créées"
    assert format_count(1234, "e-mail", "e-mails") == f"1{NNBSP}234 e-mails"


def test_a_page_a_chart_and_the_scorecard_text_write_the_same_value_the_same_way():
    value = Decimal("1234.50")
    page = Template("{% load french %}{{ value|fr_measure }}").render(Context({"value": value}))
    chart = line_chart([Point("T1", value), Point("T2", value)], title="t", target=value)
    line = IndicatorLine(
        indicator=Indicator(name="Délai", target=value),
        points=[Point("T1 2026", value)],
        latest=None,
        previous=None,
        status="none",
    )

    assert page == f"1{NNBSP}234,5"
    assert f"cible 1{NNBSP}234,5" in chart
    assert line.trend_text == f"T1 2026 : 1{NNBSP}234,5"


def test_the_count_filter_writes_zero_in_the_singular_unlike_pluralize():
    template = Template('{% load french %}{{ n|fr_count:"réponse,réponses" }}')

    assert template.render(Context({"n": 0})) == "0 réponse"
    assert template.render(Context({"n": 1})) == "1 réponse"
    assert template.render(Context({"n": 2500})) == f"2{NNBSP}500 réponses"
    assert template.render(Context({"n": None})) == "0 réponse"
