"""A measurement far out of its indicator's history is confirmed before it is published."""

import datetime as dt
import html
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from engagements.models import Commitment, Indicator, Measurement
from engagements.readings import is_unusual
from engagements.services.measuring import measurement_compute
from engagements.sources import Figure
from rapports.models import ReportVersion
from rapports.selectors import report_context
from tests.engagements.factories import IndicatorFactory, MeasurementFactory


def report_of(cooperative, year: int) -> dict:
    """What the report of `year` says today (a draft with no campaign chosen)."""
    return report_context(
        version=ReportVersion(cooperative=cooperative, year=year), today=timezone.localdate()
    )


PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 5, 15, 10, tzinfo=PARIS), tick=False):
        yield


@pytest.mark.parametrize(
    ("value", "history", "unusual"),
    [
        # history 2 to 3: widened by its own range (1) on each side, 1 to 4 accepted
        (Decimal("25"), [2, 3, Decimal("2.5")], True),
        (Decimal("4"), [2, 3, Decimal("2.5")], False),
        (Decimal("4.1"), [2, 3, Decimal("2.5")], True),
        (Decimal("0.9"), [2, 3, Decimal("2.5")], True),
        # a flat history (72) still tolerates a tenth of its median (7.2): 64.8 to 79.2
        (Decimal("79"), [72, 72, 72], False),
        (Decimal("80"), [72, 72, 72], True),
        # fewer than three earlier values: nothing to compare with
        (Decimal("250"), [2, 3], False),
    ],
)
def test_a_value_is_unusual_outside_the_history_widened_by_its_own_range(value, history, unusual):
    assert is_unusual(value, [Decimal(h) for h in history]) is unusual


@pytest.fixture
def visits(coop_a):
    """Site visits per quarter: 2, 3 and 2.5 in the last three quarters of 2025."""
    indicator = IndicatorFactory(
        commitment=Commitment.objects.get(cooperative=coop_a, number=4),
        name="Visites de chantier organisées", unit="visites", target=Decimal("2"),
        period="quarter", is_public=True,
    )  # fmt: skip
    for month, value in ((4, "2"), (7, "3"), (10, "2.5")):
        MeasurementFactory(
            indicator=indicator, period_start=dt.date(2025, month, 1), value=Decimal(value)
        )
    return indicator


def post(client, indicator, **data):
    return client.post(
        reverse("measurement_create", args=[indicator.pk]), {"period_start": "2026-01-15", **data}
    )


def test_an_unusual_value_asks_for_confirmation_and_records_nothing(client, staff_a, visits):
    client.force_login(staff_a)

    response = post(client, visits, value="25")

    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    assert "sort nettement de l'historique" in content
    assert 'type="checkbox" name="confirm"' in content
    assert not Measurement.objects.filter(indicator=visits, period_start="2026-01-01").exists()


def test_a_confirmed_unusual_value_is_recorded(client, staff_a, visits):
    client.force_login(staff_a)

    response = post(client, visits, value="25", confirm="on")

    assert response.status_code == 302
    stored = Measurement.objects.get(indicator=visits, period_start="2026-01-01")
    assert (stored.value, stored.awaiting_confirmation) == (Decimal("25"), False)


def test_a_usual_value_needs_no_confirmation(client, staff_a, visits):
    client.force_login(staff_a)

    response = post(client, visits, value="2,5")

    assert response.status_code == 302


def test_a_correction_far_out_of_the_history_asks_for_confirmation(client, staff_a, visits):
    MeasurementFactory(indicator=visits, period_start=dt.date(2025, 1, 1), value=Decimal("3"))
    measurement = Measurement.objects.get(indicator=visits, period_start="2025-10-01")
    client.force_login(staff_a)

    response = client.post(reverse("measurement_edit", args=[measurement.pk]), {"value": "25"})

    assert response.status_code == 200
    measurement.refresh_from_db()
    assert measurement.value == Decimal("2.5")


@pytest.fixture
def computed(coop_a, monkeypatch):
    """A survey-fed indicator with a steady history, whose next figure will be 12 %."""
    indicator = IndicatorFactory(
        commitment=Commitment.objects.get(cooperative=coop_a, number=6),
        name="Satisfaction SAV", period="quarter", source=Indicator.Source.SURVEY,
        survey_selector="theme:sav", survey_feed="triennial", is_public=True,
    )  # fmt: skip
    for month, value in ((4, "74"), (7, "72"), (10, "73")):
        MeasurementFactory(
            indicator=indicator, period_start=dt.date(2025, month, 1), value=Decimal(value),
            base=800, is_computed=True,
        )  # fmt: skip
    monkeypatch.setattr(
        "engagements.services.measuring.survey_figure",
        lambda **kwargs: Figure(Decimal("12"), 900),
    )
    return indicator


def test_an_unusual_computed_figure_waits_for_a_confirmation_before_it_is_public(
    client, coop_a, staff_a, computed
):
    coop_a.transparency_enabled = True
    coop_a.save()

    measurement = measurement_compute(indicator=computed, period_start=dt.date(2026, 1, 1))

    assert measurement.awaiting_confirmation
    public = client.get(reverse("transparency", args=[coop_a.slug])).content.decode()
    assert "<strong>73 %</strong>" in public and "12 %" not in public
    client.force_login(staff_a)
    page = client.get(reverse("indicator_detail", args=[computed.pk])).content.decode()
    assert "à confirmer" in page
    assert _report_value(coop_a, computed) is None
    client.post(reverse("measurement_confirm", args=[measurement.pk]))
    client.logout()
    public = client.get(reverse("transparency", args=[coop_a.slug])).content.decode()
    assert "<strong>12 %</strong>" in public
    assert _report_value(coop_a, computed) == Decimal("12")


def _report_value(coop, indicator):
    sections = report_context(
        version=ReportVersion(cooperative=coop, year=2026), today=timezone.localdate()
    )["sections"]
    return next(r.value for s in sections for r in s.indicators if r.indicator == indicator)


def test_a_board_member_cannot_confirm_a_measurement(client, board_a, computed):
    measurement = measurement_compute(indicator=computed, period_start=dt.date(2026, 1, 1))
    client.force_login(board_a)

    response = client.post(reverse("measurement_confirm", args=[measurement.pk]))

    assert response.status_code == 403
    measurement.refresh_from_db()
    assert measurement.awaiting_confirmation
