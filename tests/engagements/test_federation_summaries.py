"""The federation's summaries: the indicators counted in the database read each latest
measurement as the scorecard's `reading` does, and the page costs the same number of queries
whatever the number of cooperatives."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engagements.models import Action, Commitment, Indicator, Measurement
from engagements.readings import Status, reading
from engagements.selectors import indicator_counts
from engagements.services.charter import commitments_create_charter
from tests import factories
from tests.engagements.factories import ActionFactory, IndicatorFactory, MeasurementFactory

JANUARY, FEBRUARY = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
SURVEY = {"source": Indicator.Source.SURVEY, "survey_selector": "theme:sav", "survey_feed": "x"}


def indicator(coop, values, **fields) -> Indicator:
    """An indicator of coop's commitment 1 (target 80, higher is better unless told), with one
    measurement a month from January: `values` is a list of (value, base) or values."""
    made = IndicatorFactory(
        commitment=Commitment.objects.get(cooperative=coop, number=1),
        **{"target": Decimal(80), **fields},
    )
    for month, value in enumerate(values, start=1):
        value, base = value if isinstance(value, tuple) else (value, None)
        MeasurementFactory(
            indicator=made, period_start=dt.date(2026, month, 1), value=value, base=base
        )
    return made


@pytest.fixture
def every_case(coop_a):
    """One indicator per case the reading rule tells apart."""
    lower = {"direction": Indicator.Direction.LOWER, "target": Decimal(10)}
    indicator(coop_a, [85])  # above the target: met
    indicator(coop_a, [80])  # at the target: met
    indicator(coop_a, [78])  # short by less than 5 % of the target: near, not met
    indicator(coop_a, [50])  # not met
    indicator(coop_a, [90, 70])  # met in January, not in February: the latest counts
    indicator(coop_a, [70, Decimal("80.00")])  # not met, then met
    indicator(coop_a, [8], **lower)  # under a "lower is better" target: met
    indicator(coop_a, [10], **lower)  # at it: met
    indicator(coop_a, [Decimal("10.01")], **lower)  # over it: not met
    indicator(coop_a, [])  # never measured
    indicator(coop_a, [(90, None)], **SURVEY)  # survey-fed, no base: insufficient
    indicator(coop_a, [(90, 19)], min_base=20, **SURVEY)  # under its own minimum
    indicator(coop_a, [(90, 20)], min_base=20, **SURVEY)  # at it: met
    indicator(coop_a, [(60, 100_000)], **SURVEY)  # over the default minimum: not met
    indicator(coop_a, [(90, None)])  # entered by hand: no minimum base
    indicator(coop_a, [(50, 5), (90, 5)], min_base=0, **SURVEY)  # a minimum of 0: met
    awaiting = indicator(coop_a, [95])  # unusual, not confirmed yet: still read internally
    Measurement.objects.filter(indicator=awaiting).update(awaiting_confirmation=True)
    return coop_a


def counted_in_python(coop) -> tuple[int, int, int]:
    """The previous computation: `reading` applied to each indicator's latest measurement."""
    indicators = Indicator.objects.filter(commitment__cooperative=coop)
    statuses = []
    for each in indicators:
        latest = each.measurements.order_by("-period_start").first()
        if latest is None:
            statuses.append(Status.NONE)
        else:
            found = reading(each, latest.value, latest.base, awaiting=latest.awaiting_confirmation)
            statuses.append(found.status)
    shown = [s for s in statuses if s != Status.NONE]
    return len(statuses), len(shown), shown.count(Status.MET)


def test_the_database_counts_the_indicators_as_reading_does(every_case):
    assert indicator_counts([every_case.pk]) == {every_case.pk: (17, 14, 9)}
    assert counted_in_python(every_case) == (17, 14, 9)


def test_each_cooperative_s_indicators_are_counted_apart(every_case, coop_b):
    indicator(coop_b, [85])
    indicator(coop_b, [50])

    counts = indicator_counts([every_case.pk, coop_b.pk])

    assert counts == {every_case.pk: (17, 14, 9), coop_b.pk: (2, 2, 1)}


def test_a_cooperative_without_indicators_has_no_count(coop_a):
    assert indicator_counts([coop_a.pk]) == {}


def test_the_page_shows_the_database_counts(client, federation_a, every_case):
    client.force_login(federation_a)

    [summary] = [
        c.summary for c in client.get(reverse("federation_overview")).context["cooperatives"]
    ]

    assert (summary["indicators"], summary["measured"], summary["on_target"]) == (17, 14, 9)


def test_the_page_writes_large_counts_the_french_way(client, federation_a, coop_a):
    Action.objects.bulk_create(
        Action(cooperative=coop_a, title=f"Action {n}", status=Action.Status.DONE)
        for n in range(1234)
    )
    client.force_login(federation_a)

    page = client.get(reverse("federation_overview")).content.decode()

    assert '<td class="text-end">1\u202f234</td>' in page


def queries_of_the_page(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("federation_overview"))
    assert response.status_code == 200
    return len(queries.captured_queries)


def cooperative_with_data(federation, n: int):
    """A cooperative of `federation` with its charter, two measured indicators, actions and a
    proof."""
    cooperative = factories.CooperativeFactory(federation=federation, name=f"Coop {n:02d}")
    commitments_create_charter(cooperative=cooperative)
    indicator(cooperative, [70, 85])
    indicator(cooperative, [(90, 40)], **SURVEY)
    ActionFactory(cooperative=cooperative, due_date=dt.date(2026, 1, 15))
    ActionFactory(cooperative=cooperative, status=Action.Status.DONE)
    return cooperative


def test_the_page_s_queries_do_not_grow_from_2_to_6_cooperatives(client, federation_a, coop_a):
    federation = coop_a.federation
    cooperative_with_data(federation, 1)
    client.force_login(federation_a)
    with_two = queries_of_the_page(client)

    for n in range(2, 6):
        cooperative_with_data(federation, n)
    response = client.get(reverse("federation_overview"))
    with_six = queries_of_the_page(client)

    assert len(response.context["cooperatives"]) == 6
    assert with_six == with_two


def test_the_page_lists_50_cooperatives_then_the_rest_on_the_next(client, federation_a, coop_a):
    factories.CooperativeFactory.create_batch(50, federation=coop_a.federation)
    client.force_login(federation_a)

    first = client.get(reverse("federation_overview"))
    second = client.get(reverse("federation_overview"), {"page": 2})

    assert len(first.context["cooperatives"]) == 50
    assert first.context["cooperatives"][0] == coop_a  # "Coop A" first by name
    assert 'href="?page=2"' in first.content.decode()
    assert len(second.context["cooperatives"]) == 1
