"""The scorecard: status against target, the pages built from it, their query counts, the public
transparency page."""

import datetime as dt
import html
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engagements import periods
from engagements.models import Action, Commitment, Evidence, Indicator, Measurement
from engagements.reference import COMMITMENTS
from engagements.selectors import status_of
from engagements.services.charter import commitments_create_charter
from tests import factories
from tests.engagements.factories import (
    ActionFactory,
    IndicatorFactory,
    MeasurementFactory,
    NoteEvidenceFactory,
)

TODAY = dt.date(2026, 5, 15)
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 5, 15, 10, tzinfo=PARIS), tick=False):
        yield TODAY


def commitment(coop, number: int) -> Commitment:
    return Commitment.objects.get(cooperative=coop, number=number)


def section_of(body: str, commitment_pk: int) -> str:
    """The scorecard card of one commitment."""
    found = re.search(
        rf'<section[^>]*aria-labelledby="engagement-{commitment_pk}".*?</section>', body, re.S
    )
    assert found, f"no section for commitment {commitment_pk}"
    return found.group(0)


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


# Status against target ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "value", "expected"),
    [
        ("higher", Decimal("85"), "ok"),
        ("higher", Decimal("80"), "ok"),
        ("higher", Decimal("79.99"), "ko"),
        ("higher", None, "none"),
        ("lower", Decimal("25"), "ok"),
        ("lower", Decimal("30"), "ok"),
        ("lower", Decimal("30.01"), "ko"),
        ("lower", None, "none"),
    ],
)
def test_status_compares_the_value_with_the_target_in_the_indicator_direction(
    direction, value, expected
):
    target = Decimal("80") if direction == "higher" else Decimal("30")
    indicator = Indicator(name="x", target=target, direction=direction, tolerance=Decimal("0"))

    assert status_of(indicator, value) == expected


# The scorecard page -------------------------------------------------------------------------


def test_the_scorecard_shows_each_commitment_of_the_cooperative(client, staff_a):
    client.force_login(staff_a)

    body = html.unescape(client.get(reverse("scorecard")).content.decode())

    for number, title, *_ in COMMITMENTS:
        assert f"{number}. {title}" in body


def test_the_scorecard_counts_the_late_actions_of_a_commitment(client, staff_a, coop_a):
    third = commitment(coop_a, 3)
    ActionFactory(cooperative=coop_a, commitments=[third], due_date=dt.date(2026, 5, 1))
    ActionFactory(cooperative=coop_a, commitments=[third], due_date=dt.date(2026, 4, 1))
    ActionFactory(
        cooperative=coop_a, commitments=[third], status="in_progress", due_date=dt.date(2026, 6, 1)
    )
    ActionFactory(
        cooperative=coop_a, commitments=[third], status="done", due_date=TODAY.replace(day=1)
    )
    ActionFactory(
        cooperative=coop_a, commitments=[commitment(coop_a, 4)], due_date=dt.date(2026, 1, 1)
    )
    client.force_login(staff_a)

    body = client.get(reverse("scorecard")).content.decode()

    card = section_of(body, third.pk)
    assert "3 actions en cours" in card
    assert re.search(r">2 en retard<", card)


def test_the_scorecard_shows_the_last_evidence_date_whatever_it_is_attached_to(
    client, staff_a, coop_a
):
    third, fourth = commitment(coop_a, 3), commitment(coop_a, 4)
    NoteEvidenceFactory(commitment=third, fact_date=dt.date(2026, 3, 2))
    action = ActionFactory(cooperative=coop_a, commitments=[third])
    NoteEvidenceFactory(action=action, fact_date=dt.date(2026, 4, 20))
    measurement = MeasurementFactory(indicator__commitment=fourth)
    NoteEvidenceFactory(measurement=measurement, fact_date=dt.date(2026, 2, 10))
    client.force_login(staff_a)

    body = client.get(reverse("scorecard")).content.decode()

    assert "dernière preuve : 20 avril 2026" in section_of(body, third.pk)
    assert "dernière preuve : 10 février 2026" in section_of(body, fourth.pk)
    assert "dernière preuve : aucune" in section_of(body, commitment(coop_a, 1).pk)


def test_the_sparkline_is_an_image_with_a_title_and_a_text_alternative_with_the_values(
    client, staff_a, coop_a
):
    indicator = IndicatorFactory(
        commitment=commitment(coop_a, 6), name="Réclamations closes sous 30 jours"
    )
    MeasurementFactory(indicator=indicator, period_start=dt.date(2026, 1, 1), value=80)
    MeasurementFactory(indicator=indicator, period_start=dt.date(2026, 4, 1), value=Decimal("85.5"))
    client.force_login(staff_a)

    body = client.get(reverse("scorecard")).content.decode()

    row = re.search(r"<tr>(?:(?!</tr>).)*Réclamations closes.*?</tr>", body, re.S).group(0)
    svg = re.search(r"<svg[^>]*>.*?</svg>", row, re.S).group(0)
    assert 'role="img"' in svg
    assert "<title>Évolution : Réclamations closes sous 30 jours</title>" in svg
    assert '<span class="visually-hidden">T1 2026 : 80 ; T2 2026 : 85,5</span>' in row


def test_the_text_alternative_of_an_unmeasured_indicator_says_so(client, staff_a, coop_a):
    IndicatorFactory(commitment=commitment(coop_a, 6), name="Délai de levée des réserves")
    client.force_login(staff_a)

    body = client.get(reverse("scorecard")).content.decode()

    row = re.search(r"<tr>(?:(?!</tr>).)*Délai de levée.*?</tr>", body, re.S).group(0)
    assert '<span class="visually-hidden">aucune mesure</span>' in row
    assert "Pas de mesure" in row


# Query counts ---------------------------------------------------------------------------------


def small_data(cooperative, owner) -> None:
    """1 indicator with 3 measurements, 2 actions with an owner, 1 proof of each kind of target."""
    first = commitment(cooperative, 1)
    indicator = IndicatorFactory(commitment=first)
    for start in periods.last_starts(indicator.period, 3, TODAY):
        MeasurementFactory(indicator=indicator, period_start=start)
    actions = [
        ActionFactory(cooperative=cooperative, owner=owner, commitments=[first]),
        ActionFactory(cooperative=cooperative, owner=owner, due_date=dt.date(2026, 1, 1)),
    ]
    NoteEvidenceFactory(action=actions[0], added_by=owner)
    NoteEvidenceFactory(commitment=first, added_by=owner)


def big_data(cooperative, owner) -> None:
    """5 indicators per commitment with 12 measurements each, 50 actions linked to commitments
    (all to commitment 1), and proofs on actions, measurements and commitments."""
    commitments = list(Commitment.objects.filter(cooperative=cooperative))
    indicators = Indicator.objects.bulk_create(
        Indicator(
            commitment=c,
            name=f"Indicateur {c.number}.{i}",
            target=Decimal("50"),
            direction="higher" if i % 2 else "lower",
            period=("month", "quarter", "year")[i % 3],
            position=i,
        )
        for c in commitments
        for i in range(5)
    )
    measurements = Measurement.objects.bulk_create(
        Measurement(indicator=ind, period_start=start, value=Decimal(n * 7 % 100))
        for ind in indicators
        for n, start in enumerate(periods.last_starts(ind.period, 12, TODAY))
    )
    statuses = ["planned", "in_progress", "done", "abandoned"]
    actions = Action.objects.bulk_create(
        Action(
            cooperative=cooperative,
            title=f"Action {n}",
            owner=owner,
            status=statuses[n % 4],
            due_date=TODAY + dt.timedelta(days=n - 25),
        )
        for n in range(50)
    )
    through = Action.commitments.through
    through.objects.bulk_create(
        [through(action=a, commitment=commitments[0]) for a in actions]
        + [through(action=a, commitment=commitments[n % 8]) for n, a in enumerate(actions) if n % 8]
    )

    def note(n, **target):
        return Evidence(
            cooperative=cooperative,
            kind="note",
            title=f"Preuve {n}",
            note="Compte rendu.",
            fact_date=TODAY - dt.timedelta(days=n),
            added_by=owner,
            **target,
        )

    Evidence.objects.bulk_create(
        [note(n, action=a) for n, a in enumerate(actions)]
        + [note(n, measurement=m) for n, m in enumerate(measurements[::10])]
        + [note(n, commitment=c) for n, c in enumerate(commitments) for _ in range(3)]
    )


def test_scorecard_queries_do_not_grow_with_indicators_measurements_and_actions(
    client, staff_a, coop_a
):
    client.force_login(staff_a)
    small_data(coop_a, staff_a)
    few = count_queries(client, reverse("scorecard"))

    big_data(coop_a, staff_a)
    many = count_queries(client, reverse("scorecard"))

    assert Measurement.objects.count() > 400
    assert many == few


def test_commitment_page_queries_do_not_grow_with_indicators_measurements_and_actions(
    client, staff_a, coop_a
):
    client.force_login(staff_a)
    small_data(coop_a, staff_a)
    url = reverse("commitment_detail", args=[commitment(coop_a, 1).pk])
    few = count_queries(client, url)

    big_data(coop_a, staff_a)  # bulk inserts: the commitment's history stays the same
    many = count_queries(client, url)

    assert Action.objects.filter(commitments__number=1).count() > 50
    assert many == few


def test_federation_page_queries_do_not_grow_with_cooperatives_and_their_data(
    client, federation_a, coop_a, staff_a
):
    client.force_login(federation_a)
    small_data(coop_a, staff_a)
    few = count_queries(client, reverse("federation_overview"))

    for n in range(3):
        other = factories.CooperativeFactory(federation=coop_a.federation, name=f"Coop {n}")
        commitments_create_charter(cooperative=other)
        big_data(other, factories.UserFactory(cooperative=other))
    response = client.get(reverse("federation_overview"))
    many = count_queries(client, reverse("federation_overview"))

    assert len(response.context["cooperatives"]) == 4
    assert many == few


def test_federation_page_summarises_each_cooperative(client, federation_a, coop_a, staff_a):
    small_data(coop_a, staff_a)
    client.force_login(federation_a)

    response = client.get(reverse("federation_overview"))

    [summary] = [c.summary for c in response.context["cooperatives"]]
    assert summary == {
        "indicators": 1,
        "measured": 1,
        "on_target": 1,
        "open_actions": 2,
        "late_actions": 1,
        "done_actions": 0,
        "last_evidence": dt.date(2026, 2, 1),
    }


# Transparency page --------------------------------------------------------------------------


@pytest.fixture
def published(coop_a, buyer_a, staff_a):
    """Coop A with one published and one internal indicator, an action and buyer data."""
    coop_a.transparency_enabled = True
    coop_a.save()
    fifth = commitment(coop_a, 5)
    public = IndicatorFactory(commitment=fifth, name="Mois confirmé 3 mois avant", is_public=True)
    MeasurementFactory(
        indicator=public, period_start=dt.date(2026, 1, 1), value=92, comment="Relance Girard"
    )
    internal = IndicatorFactory(commitment=fifth, name="Indicateur interne", is_public=False)
    MeasurementFactory(indicator=internal, period_start=dt.date(2026, 1, 1), value=12)
    action = ActionFactory(cooperative=coop_a, title="Rappeler Amélie Girard", commitments=[fifth])
    NoteEvidenceFactory(action=action, title="Courrier à Girard", added_by=staff_a)
    return coop_a


def test_transparency_page_is_not_found_while_the_cooperative_has_not_enabled_it(client, coop_a):
    response = client.get(reverse("transparency", args=[coop_a.slug]))

    assert response.status_code == 404


def test_transparency_page_is_public_once_enabled(client, published):
    response = client.get(reverse("transparency", args=[published.slug]))

    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Coop A : nos engagements envers les acquéreurs" in body
    for number, title, *_ in COMMITMENTS:
        assert f"{number}. {title}" in body


def test_transparency_page_shows_only_published_indicators(client, published):
    page = client.get(reverse("transparency", args=[published.slug])).content.decode()
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())

    assert "Mois confirmé 3 mois avant : 92 % (T1 2026), objectif : 80 % au moins" in text
    assert "Indicateur interne" not in text


def test_transparency_page_shows_no_buyer_data_and_no_action(client, published, buyer_a):
    body = html.unescape(
        client.get(reverse("transparency", args=[published.slug])).content.decode()
    )

    assert buyer_a.last_name not in body
    assert buyer_a.first_name not in body
    assert buyer_a.email not in body
    assert "Rappeler" not in body
    assert "Courrier à" not in body
