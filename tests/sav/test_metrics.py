"""Commitment 6's indicators computed from the inbox."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from engagements.sources import JOURNEY_METRICS
from sav.services import claims
from sav.services.callbacks import callback_record
from tests import factories
from tests.sav.conftest import at
from tests.sav.factories import callback_create

pytestmark = pytest.mark.django_db

JULY = (dt.date(2026, 7, 1), dt.date(2026, 7, 31))


def _file(buyer, now, channel="space"):
    return claims.claim_file(
        lot=buyer.lot, buyer=buyer, channel=channel, category="plumbing", description="Fuite",
        now=now,
    )  # fmt: skip


def test_the_inbox_metrics_are_registered_with_the_indicator_sources():
    assert {"sav_acknowledged_same_day", "sav_followed_up_in_time", "sav_median_days_to_lift",
            "sav_lifted_within_perfect_completion",
            "sav_called_back_in_time"} <= JOURNEY_METRICS.keys()  # fmt: skip
    assert JOURNEY_METRICS["sav_followed_up_in_time"].commitment == 6


def test_the_share_acknowledged_the_same_day_counts_the_claims_by_phone_left_waiting(
    delivered_buyer, coop_a
):
    _file(delivered_buyer, at(2026, 7, 10))  # an e-mail address: acknowledged at once
    delivered_buyer.email = ""
    delivered_buyer.save()
    _file(delivered_buyer, at(2026, 7, 10), channel="phone")  # nobody acknowledged it

    figure = JOURNEY_METRICS["sav_acknowledged_same_day"].compute(coop_a.pk, *JULY)

    assert (figure.value, figure.base) == (Decimal("50.0"), 2)


def test_the_share_followed_up_in_time_waits_for_the_deadline_of_claims_not_qualified(
    delivered_buyer, staff_a, coop_a
):
    on_time = _file(delivered_buyer, at(2026, 7, 10))  # due 16 July
    claims.claim_accept(claim=on_time, user=staff_a, now=at(2026, 7, 16))
    late = _file(delivered_buyer, at(2026, 7, 10))
    claims.claim_accept(claim=late, user=staff_a, now=at(2026, 7, 17))
    _file(delivered_buyer, at(2026, 7, 27))  # due 30 July, still running on 29 July

    with time_machine.travel(at(2026, 7, 29), tick=False):
        figure = JOURNEY_METRICS["sav_followed_up_in_time"].compute(coop_a.pk, *JULY)

    assert (figure.value, figure.base) == (Decimal("50.0"), 2)


def test_the_median_days_to_lift_reads_the_claims_lifted_in_the_period(
    delivered_buyer, staff_a, company_a, coop_a
):
    for lifted_on in (at(2026, 7, 20), at(2026, 7, 30)):
        claim = _file(delivered_buyer, at(2026, 7, 10))
        claims.claim_accept(claim=claim, user=staff_a, now=at(2026, 7, 13))
        claims.claim_assign(claim=claim, company=company_a, intervention_on=dt.date(2026, 7, 15),
                            user=staff_a, now=at(2026, 7, 13))  # fmt: skip
        claims.claim_mark_done(claim=claim, now=at(2026, 7, 15))
        claims.claim_lift(claim=claim, now=lifted_on)

    figure = JOURNEY_METRICS["sav_median_days_to_lift"].compute(coop_a.pk, *JULY)

    assert (figure.value, figure.base) == (Decimal("15.0"), 2)


# The closed loop: unhappy respondents called back within the deadline --------------------------


def test_the_share_called_back_in_time_counts_late_and_forgotten_calls_not_running_ones(
    programme_a, staff_a, coop_a
):
    buyers = [
        factories.BuyerFactory(lot=factories.LotFactory(programme=programme_a)) for _ in range(7)
    ]
    in_time = [callback_create(b, due=dt.date(2026, 7, 10)) for b in buyers[:3]]
    late = callback_create(buyers[3], due=dt.date(2026, 7, 10))
    callback_create(buyers[4], due=dt.date(2026, 7, 20))  # forgotten: still owed on 29 July
    callback_create(buyers[5], due=dt.date(2026, 7, 31))  # still running on 29 July
    callback_create(buyers[6], due=dt.date(2026, 6, 30))  # another period
    for callback, day in [*((c, 10) for c in in_time), (late, 13)]:
        callback_record(callback=callback, outcome="reached", note="", user=staff_a,
                        now=at(2026, 7, day, 18))  # fmt: skip

    with time_machine.travel(at(2026, 7, 29), tick=False):
        figure = JOURNEY_METRICS["sav_called_back_in_time"].compute(coop_a.pk, *JULY)

    assert (figure.value, figure.base) == (Decimal("60.0"), 5)


def test_an_unreachable_buyer_called_by_the_due_day_counts_as_called_back(
    delivered_buyer, staff_a, coop_a
):
    callback = callback_create(delivered_buyer, due=dt.date(2026, 7, 10))
    callback_record(callback=callback, outcome="unreachable", note="Trois essais", user=staff_a,
                    now=at(2026, 7, 9))  # fmt: skip

    with time_machine.travel(at(2026, 7, 29), tick=False):
        figure = JOURNEY_METRICS["sav_called_back_in_time"].compute(coop_a.pk, *JULY)

    assert (figure.value, figure.base) == (Decimal("100.0"), 1)


def test_no_call_back_due_in_the_period_gives_no_figure(coop_a):
    assert JOURNEY_METRICS["sav_called_back_in_time"].compute(coop_a.pk, *JULY) is None
