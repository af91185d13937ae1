"""The chart of an indicator's page: short French months, round ticks, the target with its
direction, readable on a phone."""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from coopqualite.charts import FONT, MIN_FONT, rendered_font
from engagements.models import Commitment
from tests.engagements.factories import IndicatorFactory, MeasurementFactory

NBSP = "\u00a0"


def chart_of(page: str) -> str:
    return html.unescape(re.search(r'<svg[^>]*class="chart line-chart".*?</svg>', page, re.S)[0])


def texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


@pytest.fixture
def monthly(coop_a):
    indicator = IndicatorFactory(
        commitment=Commitment.objects.get(cooperative=coop_a, number=6),
        name="Délai moyen de traitement des réclamations",
        unit="jours",
        direction="lower",
        target=Decimal(30),
        period="month",
    )
    for n in range(24):
        MeasurementFactory(
            indicator=indicator,
            period_start=dt.date(2024 + n // 12, n % 12 + 1, 1),
            value=Decimal("26.3") + n % 7,
        )
    return indicator


def test_the_indicator_chart_writes_short_months_without_overlap_and_round_ticks(
    client, staff_a, monthly
):
    client.force_login(staff_a)

    chart = chart_of(client.get(reverse("indicator_detail", args=[monthly.pk])).content.decode())

    labels = texts(chart)
    assert [t for t in labels if t.endswith(("2024", "2025"))] == [
        "janv. 2024", "janv. 2025", "déc. 2025",
    ]  # fmt: skip
    assert [t for t in labels if t.endswith("jours") and "cible" not in t] == [
        f"{n}{NBSP}jours" for n in (26, 28, 30, 32, 34)
    ]
    assert f"cible ≤ 30{NBSP}jours" in labels
    assert f"janv. 2024 : 26,3{NBSP}jours" in chart


def test_the_indicator_chart_is_drawn_to_be_read_on_a_phone(client, staff_a, monthly):
    client.force_login(staff_a)

    chart = chart_of(client.get(reverse("indicator_detail", args=[monthly.pk])).content.decode())

    width = int(re.search(r'viewBox="0 0 (\d+) ', chart)[1])
    assert f'font-size="{FONT}"' in chart
    assert rendered_font(width) >= MIN_FONT
