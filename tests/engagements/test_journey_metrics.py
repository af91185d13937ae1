"""Journey metrics computed from what staff record: a named interlocutor (commitment 3), the
courtesy visit within 2 months of delivery (commitment 3), the delivery month confirmed three
months ahead (commitment 5) fed by the buyer's page."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from cooperatives.models import User
from engagements.models import Commitment, Indicator
from engagements.services.measuring import measurement_compute
from engagements.sources import (
    JOURNEY_METRICS,
    Figure,
    courtesy_visit_share,
    interlocutor_share,
)
from tests import factories
from tests.engagements.factories import IndicatorFactory

Q2_2024 = (dt.date(2024, 4, 1), dt.date(2024, 6, 30))


def buyer(programme, **fields):
    return factories.BuyerFactory(lot=factories.LotFactory(programme=programme), **fields)


# Share of buyers with a named interlocutor --------------------------------------------------


@pytest.fixture
def claire(coop_a):
    return factories.UserFactory(cooperative=coop_a, role=User.Role.STAFF)


def test_the_interlocutor_share_counts_the_buyers_own_and_their_programmes(coop_a, claire):
    followed = factories.ProgrammeFactory(cooperative=coop_a, interlocutor=claire)
    unfollowed = factories.ProgrammeFactory(cooperative=coop_a)
    for _ in range(2):
        buyer(followed, reservation_date=dt.date(2024, 1, 10))
    buyer(unfollowed, reservation_date=dt.date(2024, 2, 10), interlocutor=claire)
    for _ in range(4):
        buyer(unfollowed, reservation_date=dt.date(2024, 3, 10))

    assert interlocutor_share(coop_a.pk, *Q2_2024) == Figure(Decimal("42.9"), 7)


def test_the_interlocutor_share_counts_the_buyers_on_their_way_to_the_keys_in_the_period(
    coop_a, coop_b, claire
):
    followed = factories.ProgrammeFactory(cooperative=coop_a, interlocutor=claire)
    unfollowed = factories.ProgrammeFactory(cooperative=coop_a)
    # Counted: reserved before the end, delivered during the period or not yet.
    buyer(followed, reservation_date=dt.date(2023, 5, 2), delivery_date=dt.date(2024, 4, 1))
    buyer(followed, reservation_date=dt.date(2024, 6, 30))
    buyer(unfollowed, reservation_date=dt.date(2023, 5, 2), delivery_date=dt.date(2024, 6, 30))
    # Not counted: delivered before the period, reserved after it, no reservation date, and
    # another cooperative's buyer.
    buyer(unfollowed, reservation_date=dt.date(2023, 5, 2), delivery_date=dt.date(2024, 3, 31))
    buyer(unfollowed, reservation_date=dt.date(2024, 7, 1))
    buyer(unfollowed, reservation_date=None)
    buyer(factories.ProgrammeFactory(cooperative=coop_b), reservation_date=dt.date(2024, 1, 1))

    assert interlocutor_share(coop_a.pk, *Q2_2024) == Figure(Decimal("66.7"), 3)


def test_a_buyers_own_interlocutor_who_left_names_nobody_even_on_a_followed_programme(
    coop_a, claire
):
    gone = factories.UserFactory(cooperative=coop_a, is_active=False)
    followed = factories.ProgrammeFactory(cooperative=coop_a, interlocutor=claire)
    buyer(followed, reservation_date=dt.date(2024, 1, 10), interlocutor=gone)
    for _ in range(3):
        buyer(followed, reservation_date=dt.date(2024, 1, 10))

    assert interlocutor_share(coop_a.pk, *Q2_2024) == Figure(Decimal("75.0"), 4)


def test_no_buyer_on_the_way_gives_no_interlocutor_figure(coop_a):
    assert interlocutor_share(coop_a.pk, *Q2_2024) is None


# Courtesy visit within 2 months of delivery -------------------------------------------------


def test_the_courtesy_visit_share_counts_the_visits_due_in_the_period(coop_a, programme_a):
    def delivered(on, visited=None):
        buyer(programme_a, reservation_date=dt.date(2023, 1, 5), delivery_date=on,
              courtesy_visit_date=visited)  # fmt: skip

    delivered(dt.date(2024, 2, 10), dt.date(2024, 4, 10))  # on its last day: kept
    delivered(dt.date(2024, 3, 15), dt.date(2024, 5, 16))  # a day late: missed
    delivered(dt.date(2024, 4, 20))  # never visited: missed
    delivered(dt.date(2024, 4, 30), dt.date(2024, 5, 2))  # kept
    delivered(dt.date(2024, 3, 1), dt.date(2024, 3, 1))  # kept, the day of the delivery
    delivered(dt.date(2024, 1, 31), dt.date(2024, 2, 1))  # due on 31 March: another period
    delivered(dt.date(2024, 5, 2), dt.date(2024, 5, 20))  # due on 2 July: another period

    assert courtesy_visit_share(coop_a.pk, *Q2_2024) == Figure(Decimal("60.0"), 5)


@time_machine.travel(dt.datetime(2026, 5, 10, 12, 0), tick=False)
def test_a_household_still_within_its_two_months_counts_only_once_visited(coop_a, programme_a):
    q2 = (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    for on, visited in [
        (dt.date(2026, 3, 20), None),  # due on 20 May, not yet visited: not counted yet
        (dt.date(2026, 3, 25), dt.date(2026, 4, 1)),  # visited: kept
        (dt.date(2026, 2, 5), None),  # due on 5 April: missed
        (dt.date(2026, 2, 10), dt.date(2026, 3, 1)),  # kept
    ]:
        buyer(programme_a, reservation_date=dt.date(2025, 1, 5), delivery_date=on,
              courtesy_visit_date=visited)  # fmt: skip

    assert courtesy_visit_share(coop_a.pk, *q2) == Figure(Decimal("66.7"), 3)


def test_two_months_after_the_last_day_of_december_end_on_the_last_day_of_february(
    coop_a, programme_a
):
    buyer(programme_a, reservation_date=dt.date(2023, 1, 5), delivery_date=dt.date(2023, 12, 31),
          courtesy_visit_date=dt.date(2024, 2, 29))  # fmt: skip

    figure = courtesy_visit_share(coop_a.pk, dt.date(2024, 1, 1), dt.date(2024, 3, 31))

    assert figure == Figure(Decimal("100.0"), 1)


def test_the_journey_metrics_measure_commitments_3_4_5_and_6():
    assert {key: metric.commitment for key, metric in JOURNEY_METRICS.items()} == {
        "interlocutor_share": 3,
        "courtesy_visit_share": 3,
        "letters_at_phases": 4,
        "delivery_notice_share": 5,
        "delivery_notice_median_days": 5,
        "sav_acknowledged_same_day": 6,
        "sav_followed_up_in_time": 6,
        "sav_median_days_to_lift": 6,
        "sav_lifted_within_perfect_completion": 6,
        "sav_satisfaction_after_intervention": 6,
        "sav_called_back_in_time": 6,
    }


# Commitment 5 fed by what staff type on the buyer's page ------------------------------------


def test_the_delivery_notice_indicator_moves_with_the_dates_staff_record(
    client, staff_a, coop_a, programme_a
):
    indicator = IndicatorFactory(
        commitment=Commitment.objects.get(cooperative=coop_a, charter_number=5),
        source=Indicator.Source.JOURNEY, journey_metric="delivery_notice_share", period="quarter",
        target=Decimal("95"),
    )  # fmt: skip
    lots = [factories.LotFactory(programme=programme_a) for _ in range(3)]
    client.force_login(staff_a)
    for lot, announced_on in zip(lots, ["2024-01-05", "2024-02-01", "2024-03-10"], strict=True):
        client.post(reverse("buyer_new", args=[programme_a.pk]), {
            "lot": lot.pk, "last_name": f"Acquéreur {lot.code}", "reservation_date": "2023-02-01",
            "delivery_month_announced": "2024-05", "delivery_month_announced_on": announced_on,
            "delivery_date": "2024-05-06",
        })  # fmt: skip

    measurement = measurement_compute(indicator=indicator, period_start=Q2_2024[0])

    # Announced on 5 January and 1 February: at least 3 months before 6 May; 10 March is not.
    assert (measurement.value, measurement.base) == (Decimal("66.70"), 3)
