"""The status of an indicator against its target, stated once: atteint, proche de la cible (within
the indicator's tolerance), non atteint, pas de mesure; shown in words on every page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from engagements.models import Commitment, Indicator
from engagements.selectors import status_of
from tests.engagements.factories import IndicatorFactory, MeasurementFactory


@pytest.mark.parametrize(
    ("direction", "tolerance", "value", "expected"),
    [
        ("higher", None, Decimal("80"), "ok"),
        ("higher", None, Decimal("76"), "near"),  # default tolerance: 5 % of the target, 4
        ("higher", None, Decimal("75.9"), "ko"),
        ("higher", Decimal("10"), Decimal("71"), "near"),
        ("higher", Decimal("0"), Decimal("79.99"), "ko"),
        ("lower", None, Decimal("30"), "ok"),
        ("lower", None, Decimal("31.5"), "near"),  # 5 % of 30: 1.5
        ("lower", None, Decimal("31.6"), "ko"),
        ("lower", Decimal("3"), Decimal("33"), "near"),
        ("higher", None, None, "none"),
    ],
)
def test_the_status_reads_the_value_against_the_target_and_its_tolerance(
    direction, tolerance, value, expected
):
    target = Decimal("80") if direction == "higher" else Decimal("30")
    indicator = Indicator(name="x", target=target, direction=direction, tolerance=tolerance)

    assert status_of(indicator, value) == expected


@pytest.fixture
def near_indicator(coop_a):
    indicator = IndicatorFactory(
        commitment=Commitment.objects.get(cooperative=coop_a, number=6),
        name="Réclamations accusées réception sous 48 heures", target=Decimal("95"),
        period="year", is_public=True,
    )  # fmt: skip
    MeasurementFactory(indicator=indicator, period_start=dt.date(2025, 1, 1), value=Decimal("93"))
    return indicator


def test_the_scorecard_says_proche_de_la_cible(client, staff_a, near_indicator):
    client.force_login(staff_a)

    page = client.get(reverse("scorecard")).content.decode()

    row = page.split(near_indicator.name)[1].split("</tr>")[0]
    assert "Proche de la cible" in row


def test_the_indicator_page_says_proche_de_la_cible(client, staff_a, near_indicator):
    client.force_login(staff_a)

    page = client.get(reverse("indicator_detail", args=[near_indicator.pk])).content.decode()

    assert "Proche de la cible" in page


def test_the_public_page_says_proche_de_la_cible(client, coop_a, near_indicator):
    coop_a.transparency_enabled = True
    coop_a.save()

    page = client.get(reverse("transparency", args=[coop_a.slug])).content.decode()

    assert "Proche de la cible" in page


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_each_status_colour_reads_at_the_wcag_aa_contrast(settings):
    import re
    from pathlib import Path

    css = Path(settings.BASE_DIR, "static/css/coopqualite.css").read_text()
    report = Path(settings.BASE_DIR, "static/css/report.css").read_text()
    pairs = {
        status: re.search(
            rf"\.status-{status} {{ background: (#\w{{6}}); color: (#\w{{6}}); }}", css
        )
        for status in ("ok", "near", "ko", "none")
    }
    printed = {
        status: re.search(rf"\.{status} {{ color: (#\w{{6}});", report)
        for status in ("ok", "near", "ko", "none")
    }

    assert {s: round(_contrast(*m.groups()), 1) >= 4.5 for s, m in pairs.items()} == dict.fromkeys(
        pairs, True
    )
    assert {
        s: _contrast(m.group(1), "#ffffff") >= 4.5 for s, m in printed.items()
    } == dict.fromkeys(printed, True)
