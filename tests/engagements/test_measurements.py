"""Measurements typed in by staff: one per indicator and period, never for a future period."""

import datetime as dt
import html
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse

from engagements.models import Commitment, Indicator, Measurement
from tests.engagements.factories import IndicatorFactory, MeasurementFactory

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def today():
    """Every test runs on 15 May 2026 (second quarter)."""
    with time_machine.travel(dt.datetime(2026, 5, 15, 10, tzinfo=PARIS), tick=False):
        yield dt.date(2026, 5, 15)


@pytest.fixture
def indicator(coop_a):
    return IndicatorFactory(
        commitment=Commitment.objects.get(cooperative=coop_a, number=6),
        name="Réclamations traitées sous 30 jours",
        period="quarter",
    )


@pytest.fixture
def computed_indicator(coop_a):
    return IndicatorFactory(
        commitment=Commitment.objects.get(cooperative=coop_a, number=5),
        source=Indicator.Source.JOURNEY,
        journey_metric="delivery_notice_share",
    )


def create_url(indicator) -> str:
    return reverse("measurement_create", args=[indicator.pk])


def field_error(response, field: str) -> str:
    found = re.search(
        rf'id="error_1_id_{field}"><strong>(.*?)</strong>', response.content.decode(), re.S
    )
    assert found, f"no error shown next to the field {field!r}"
    return html.unescape(found.group(1))


def test_a_measurement_is_recorded_for_the_start_of_the_period_of_the_given_day(
    client, staff_a, indicator
):
    client.force_login(staff_a)

    response = client.post(
        create_url(indicator), {"period_start": "2026-05-03", "value": "87.5", "base": "40"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("indicator_detail", args=[indicator.pk])
    measurement = Measurement.objects.get(indicator=indicator)
    assert (measurement.period_start, measurement.value, measurement.base) == (
        dt.date(2026, 4, 1),
        Decimal("87.5"),
        40,
    )
    assert (measurement.entered_by, measurement.is_computed) == (staff_a, False)


def test_a_later_day_of_the_current_period_is_accepted(client, staff_a, indicator):
    client.force_login(staff_a)

    client.post(create_url(indicator), {"period_start": "2026-06-30", "value": "80"})

    assert Measurement.objects.get(indicator=indicator).period_start == dt.date(2026, 4, 1)


def test_a_second_value_for_the_same_period_is_refused_in_french(client, staff_a, indicator):
    MeasurementFactory(indicator=indicator, period_start=dt.date(2026, 4, 1), value=70)
    client.force_login(staff_a)

    response = client.post(create_url(indicator), {"period_start": "2026-06-01", "value": "90"})

    assert response.status_code == 200
    assert field_error(response, "period_start") == "Une mesure existe déjà pour T2 2026."
    assert list(Measurement.objects.values_list("value", flat=True)) == [Decimal("70")]


def test_a_period_that_has_not_started_is_refused(client, staff_a, indicator):
    client.force_login(staff_a)

    response = client.post(create_url(indicator), {"period_start": "2026-07-01", "value": "90"})

    assert field_error(response, "period_start") == (
        "On ne mesure pas une période qui n'a pas commencé."
    )
    assert not Measurement.objects.exists()


def test_a_value_that_is_not_a_number_is_refused_in_french(client, staff_a, indicator):
    client.force_login(staff_a)

    response = client.post(
        create_url(indicator), {"period_start": "2026-05-01", "value": "beaucoup"}
    )

    assert field_error(response, "value") == (
        "« beaucoup » n'est pas un nombre : écrivez des chiffres seulement, sans unité, avec "
        "une virgule pour les décimales (2,5)."
    )
    assert not Measurement.objects.exists()


def test_the_form_proposes_the_current_period(client, staff_a, indicator):
    client.force_login(staff_a)

    response = client.get(create_url(indicator))

    assert 'name="period_start" value="2026-04-01"' in response.content.decode()


@pytest.mark.parametrize(
    ("fixture", "offered"), [("indicator", True), ("computed_indicator", False)]
)
def test_only_manual_indicators_offer_the_button_to_type_a_measurement(
    client, request, staff_a, fixture, offered
):
    shown = request.getfixturevalue(fixture)
    client.force_login(staff_a)

    body = client.get(reverse("indicator_detail", args=[shown.pk])).content.decode()

    assert ("Saisir une mesure" in body) is offered
    assert (create_url(shown) in body) is offered


def test_typing_a_measurement_for_a_computed_indicator_is_refused(
    client, staff_a, computed_indicator
):
    client.force_login(staff_a)

    response = client.post(
        create_url(computed_indicator), {"period_start": "2026-05-01", "value": "100"}, follow=True
    )

    assert response.redirect_chain == [
        (reverse("indicator_detail", args=[computed_indicator.pk]), 302)
    ]
    assert "Cet indicateur est calculé : ses mesures ne se saisissent pas." in html.unescape(
        response.content.decode()
    )
    assert not Measurement.objects.exists()


def test_a_computed_measurement_cannot_be_corrected_by_hand(client, staff_a, computed_indicator):
    measurement = MeasurementFactory(
        indicator=computed_indicator, period_start=dt.date(2026, 4, 1), value=75, is_computed=True
    )
    client.force_login(staff_a)
    url = reverse("measurement_edit", args=[measurement.pk])

    page = client.get(url)
    posted = client.post(url, {"value": "100"}, follow=True)

    measurement.refresh_from_db()
    back = reverse("indicator_detail", args=[computed_indicator.pk])
    assert (page.status_code, page["Location"]) == (302, back)
    assert posted.redirect_chain == [(back, 302)]
    assert "Cette mesure est calculée : corrigez-la à sa source." in html.unescape(
        posted.content.decode()
    )
    assert measurement.value == Decimal("75")


def test_a_typed_measurement_is_corrected_by_hand(client, staff_a, director_a, indicator):
    measurement = MeasurementFactory(
        indicator=indicator, period_start=dt.date(2026, 1, 1), value=75, entered_by=staff_a
    )
    client.force_login(director_a)

    response = client.post(
        reverse("measurement_edit", args=[measurement.pk]),
        {"value": "78", "comment": "Erreur de saisie"},
    )

    measurement.refresh_from_db()
    assert response.status_code == 302
    assert (measurement.value, measurement.period_start, measurement.entered_by) == (
        Decimal("78"),
        dt.date(2026, 1, 1),
        director_a,
    )


def test_a_board_member_cannot_record_a_measurement(client, board_a, indicator):
    client.force_login(board_a)

    page = client.get(create_url(indicator))
    posted = client.post(create_url(indicator), {"period_start": "2026-05-01", "value": "90"})

    assert (page.status_code, posted.status_code) == (403, 403)
    assert not Measurement.objects.exists()


def test_the_database_refuses_two_measurements_of_one_indicator_for_one_period(indicator):
    Measurement.objects.create(indicator=indicator, period_start=dt.date(2026, 4, 1), value=80)

    with pytest.raises(IntegrityError), transaction.atomic():
        Measurement.objects.create(indicator=indicator, period_start=dt.date(2026, 4, 1), value=90)

    assert Measurement.objects.count() == 1
