"""Computed indicators: journey metrics from the buyers' dates, survey figures from a provider."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from engagements import sources
from engagements.models import Commitment, Indicator, Measurement
from engagements.services.measuring import indicators_refresh, measurement_compute
from engagements.sources import (
    Figure,
    delivery_notice_median_days,
    delivery_notice_share,
    register_survey_results,
)
from tests import factories
from tests.engagements.factories import IndicatorFactory, MeasurementFactory

Q2_START, Q2_END = dt.date(2026, 4, 1), dt.date(2026, 6, 30)
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def deliver(programme_a):
    """Create a buyer of coop A delivered on `on`, whose delivery month (by default the month
    of `on`) was confirmed on `announced_on` (None: never confirmed)."""

    def make(on, announced_on=None, programme=programme_a, month=None):
        lot = factories.LotFactory(programme=programme)
        if announced_on is not None and month is None:
            month = (on or announced_on).replace(day=1)
        return factories.BuyerFactory(
            lot=lot,
            delivery_date=on,
            delivery_month_announced=month,
            delivery_month_announced_on=announced_on,
        )

    return make


@pytest.fixture
def contract_commitment(coop_a):
    return Commitment.objects.get(cooperative=coop_a, charter_number=5)


@pytest.fixture
def notice_indicator(contract_commitment):
    return IndicatorFactory(
        commitment=contract_commitment,
        name="Mois de livraison confirmé 3 mois avant",
        source=Indicator.Source.JOURNEY,
        journey_metric="delivery_notice_share",
        period="quarter",
        target=Decimal("90"),
    )


# delivery_notice_share ----------------------------------------------------------------------


def test_a_delivery_announced_exactly_three_months_before_counts_as_kept(coop_a, deliver):
    deliver(on=dt.date(2026, 4, 10), announced_on=dt.date(2026, 1, 10))

    assert delivery_notice_share(coop_a.pk, Q2_START, Q2_END) == Figure(Decimal("100.0"), 1)


def test_a_delivery_announced_two_months_and_29_days_before_counts_as_missed(coop_a, deliver):
    deliver(on=dt.date(2026, 4, 10), announced_on=dt.date(2026, 1, 12))

    assert delivery_notice_share(coop_a.pk, Q2_START, Q2_END) == Figure(Decimal("0.0"), 1)


def test_an_unannounced_delivery_counts_as_missed(coop_a, deliver):
    deliver(on=dt.date(2026, 5, 2), announced_on=dt.date(2025, 12, 1))
    deliver(on=dt.date(2026, 5, 2), announced_on=None)

    assert delivery_notice_share(coop_a.pk, Q2_START, Q2_END) == Figure(Decimal("50.0"), 2)


def test_a_delivery_outside_the_month_announced_counts_as_missed(coop_a, deliver):
    deliver(on=dt.date(2026, 5, 4), announced_on=dt.date(2026, 1, 5), month=dt.date(2026, 4, 1))
    deliver(on=dt.date(2026, 5, 4), announced_on=dt.date(2026, 1, 5), month=dt.date(2026, 6, 1))
    deliver(on=dt.date(2026, 5, 4), announced_on=dt.date(2026, 1, 5), month=dt.date(2026, 5, 1))

    assert delivery_notice_share(coop_a.pk, Q2_START, Q2_END) == Figure(Decimal("33.3"), 3)


def test_the_share_is_rounded_to_one_decimal(coop_a, deliver):
    deliver(on=dt.date(2026, 5, 2), announced_on=dt.date(2026, 1, 5))
    deliver(on=dt.date(2026, 5, 2), announced_on=dt.date(2026, 1, 5))
    deliver(on=dt.date(2026, 5, 2), announced_on=dt.date(2026, 4, 1))

    assert delivery_notice_share(coop_a.pk, Q2_START, Q2_END) == Figure(Decimal("66.7"), 3)


def test_buyers_of_another_cooperative_are_ignored(coop_a, coop_b, deliver):
    deliver(on=dt.date(2026, 4, 20), announced_on=dt.date(2026, 1, 2))
    programme_b = factories.ProgrammeFactory(cooperative=coop_b)
    deliver(on=dt.date(2026, 4, 20), announced_on=None, programme=programme_b)

    assert delivery_notice_share(coop_a.pk, Q2_START, Q2_END) == Figure(Decimal("100.0"), 1)


def test_deliveries_outside_the_period_are_ignored(coop_a, deliver):
    deliver(on=dt.date(2026, 4, 1), announced_on=dt.date(2026, 1, 1))
    deliver(on=dt.date(2026, 6, 30), announced_on=dt.date(2026, 3, 30))
    deliver(on=dt.date(2026, 3, 31), announced_on=None)
    deliver(on=dt.date(2026, 7, 1), announced_on=None)

    assert delivery_notice_share(coop_a.pk, Q2_START, Q2_END) == Figure(Decimal("100.0"), 2)


def test_buyers_not_yet_delivered_are_ignored(coop_a, deliver):
    deliver(on=dt.date(2026, 4, 15), announced_on=dt.date(2026, 1, 1))
    deliver(on=None, announced_on=dt.date(2026, 3, 1))

    assert delivery_notice_share(coop_a.pk, Q2_START, Q2_END) == Figure(Decimal("100.0"), 1)


def test_no_delivery_in_the_period_gives_no_figure(coop_a, deliver):
    deliver(on=dt.date(2026, 3, 31), announced_on=dt.date(2025, 12, 1))

    assert delivery_notice_share(coop_a.pk, Q2_START, Q2_END) is None


# delivery_notice_median_days ------------------------------------------------------------------


def test_median_notice_is_the_median_of_the_announced_deliveries_only(coop_a, deliver):
    deliver(on=dt.date(2026, 5, 31), announced_on=dt.date(2026, 5, 1))  # 30 days
    deliver(on=dt.date(2026, 5, 31), announced_on=dt.date(2026, 3, 2))  # 90 days
    deliver(on=dt.date(2026, 5, 31), announced_on=dt.date(2026, 1, 31))  # 120 days
    deliver(on=dt.date(2026, 5, 31), announced_on=None)

    assert delivery_notice_median_days(coop_a.pk, Q2_START, Q2_END) == Figure(Decimal("90.0"), 3)


def test_median_notice_of_an_even_count_is_the_mean_of_the_two_middle_values(coop_a, deliver):
    deliver(on=dt.date(2026, 5, 31), announced_on=dt.date(2026, 5, 1))  # 30 days
    deliver(on=dt.date(2026, 5, 31), announced_on=dt.date(2026, 5, 16))  # 15 days

    assert delivery_notice_median_days(coop_a.pk, Q2_START, Q2_END) == Figure(Decimal("22.5"), 2)


def test_median_notice_without_any_announced_delivery_gives_no_figure(coop_a, deliver):
    deliver(on=dt.date(2026, 5, 31), announced_on=None)

    assert delivery_notice_median_days(coop_a.pk, Q2_START, Q2_END) is None


# measurement_compute and indicators_refresh --------------------------------------------------


def test_computing_a_journey_indicator_stores_a_computed_measurement_with_its_base(
    notice_indicator, deliver
):
    deliver(on=dt.date(2026, 4, 10), announced_on=dt.date(2026, 1, 10))
    deliver(on=dt.date(2026, 5, 10), announced_on=None)

    measurement_compute(indicator=notice_indicator, period_start=Q2_START)

    stored = Measurement.objects.get(indicator=notice_indicator, period_start=Q2_START)
    assert (stored.value, stored.base, stored.is_computed) == (Decimal("50.0"), 2, True)
    assert stored.entered_by is None


def test_computing_again_updates_the_measurement_instead_of_adding_one(notice_indicator, deliver):
    deliver(on=dt.date(2026, 4, 10), announced_on=None)
    first = measurement_compute(indicator=notice_indicator, period_start=Q2_START)
    deliver(on=dt.date(2026, 5, 10), announced_on=dt.date(2026, 1, 10))

    second = measurement_compute(indicator=notice_indicator, period_start=Q2_START)

    assert second.pk == first.pk
    assert list(
        Measurement.objects.filter(indicator=notice_indicator).values_list("value", "base")
    ) == [(Decimal("50.0"), 2)]


def test_computing_a_period_without_data_stores_nothing(notice_indicator):
    assert measurement_compute(indicator=notice_indicator, period_start=Q2_START) is None
    assert not Measurement.objects.filter(indicator=notice_indicator).exists()


def test_refresh_computes_the_current_and_previous_periods(notice_indicator, deliver):
    deliver(on=dt.date(2026, 2, 10), announced_on=None)
    deliver(on=dt.date(2026, 4, 10), announced_on=dt.date(2026, 1, 10))

    count = indicators_refresh(today=dt.date(2026, 5, 15))

    assert count == 2
    assert dict(
        Measurement.objects.filter(indicator=notice_indicator).values_list("period_start", "value")
    ) == {dt.date(2026, 1, 1): Decimal("0.0"), Q2_START: Decimal("100.0")}


def test_refresh_leaves_manual_indicators_and_their_measurements_alone(
    contract_commitment, deliver, staff_a
):
    # A manual indicator that still carries a journey metric (it was computed before).
    manual = IndicatorFactory(
        commitment=contract_commitment,
        source=Indicator.Source.MANUAL,
        journey_metric="delivery_notice_share",
    )
    typed = MeasurementFactory(
        indicator=manual, period_start=Q2_START, value=Decimal("42"), entered_by=staff_a
    )
    deliver(on=dt.date(2026, 4, 10), announced_on=dt.date(2026, 1, 10))
    deliver(on=dt.date(2026, 2, 10), announced_on=dt.date(2025, 10, 10))

    count = indicators_refresh(today=dt.date(2026, 5, 15))

    typed.refresh_from_db()
    assert count == 0
    assert (typed.value, typed.is_computed, typed.entered_by) == (Decimal("42"), False, staff_a)
    assert Measurement.objects.filter(indicator=manual).count() == 1


# Survey-sourced indicators ---------------------------------------------------------------------


class FixedSurveyResults:
    """A provider of survey results, as the surveys app would register it."""

    def __init__(self):
        self.calls = []

    def feeds(self):
        return [("triennial", "Enquêtes triennales")]

    def families(self, *, cooperative_id):
        return []

    def satisfaction(self, *, cooperative_id, selector, feed, family, start, end, today):
        self.calls.append((cooperative_id, selector, feed, start, end, today))
        if selector == "theme:sav":
            return Figure(Decimal("92.5"), 40)
        return None


@pytest.fixture
def no_survey_provider():
    """Set aside the providers registered at start-up (the surveys app's), restore them after."""
    registered = list(sources._survey_providers)
    sources._survey_providers.clear()
    yield
    sources._survey_providers[:] = registered


@pytest.fixture
def survey_provider(no_survey_provider):
    provider = FixedSurveyResults()
    register_survey_results(provider)
    yield provider
    sources._survey_providers.remove(provider)


@pytest.fixture
def survey_indicator(coop_a):
    return IndicatorFactory(
        commitment=Commitment.objects.get(cooperative=coop_a, charter_number=6),
        source=Indicator.Source.SURVEY,
        survey_selector="theme:sav",
        survey_feed="triennial",
        period="quarter",
    )


def test_a_survey_indicator_without_a_registered_provider_gets_no_measurement(
    survey_indicator, no_survey_provider
):
    assert measurement_compute(indicator=survey_indicator, period_start=Q2_START) is None
    assert not Measurement.objects.filter(indicator=survey_indicator).exists()


def test_a_survey_indicator_is_measured_from_the_registered_provider(
    survey_indicator, survey_provider, coop_a
):
    today = dt.date(2026, 7, 3)
    measurement_compute(indicator=survey_indicator, period_start=Q2_START, today=today)

    stored = Measurement.objects.get(indicator=survey_indicator, period_start=Q2_START)
    assert (stored.value, stored.base, stored.is_computed) == (Decimal("92.5"), 40, True)
    assert survey_provider.calls == [(coop_a.pk, "theme:sav", "triennial", Q2_START, Q2_END, today)]


def test_registering_the_same_provider_twice_keeps_one_entry(survey_provider):
    register_survey_results(survey_provider)

    assert sources._survey_providers.count(survey_provider) == 1


# Management command --------------------------------------------------------------------------


def test_refresh_indicators_command_computes_and_says_how_many(notice_indicator, deliver):
    deliver(on=dt.date(2026, 4, 10), announced_on=dt.date(2026, 1, 10))
    out = io.StringIO()

    with time_machine.travel(dt.datetime(2026, 5, 15, 9, tzinfo=PARIS), tick=False):
        call_command("refresh_indicators", "--periods", "1", stdout=out)

    assert out.getvalue().strip() == "1 mesure calculée."
    assert Measurement.objects.get(indicator=notice_indicator).period_start == Q2_START
