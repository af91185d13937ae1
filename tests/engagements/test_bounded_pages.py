"""Every list that grows with the data is shown a page at a time: at 10 and 20 times the demo's
volume (actions, proof, measurements, history, invitations) a page weighs the same and costs
the same queries as at the demo's."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from engagements.models import Action, Commitment, Evidence, Indicator, Measurement
from enquetes.models import Invitation
from tests.enquetes.factories import campaign_create

# The demo's volume per commitment (demo/engagements.py): a few actions and proofs, 36 monthly
# measurements per indicator, a handful of edits; a campaign of 60 invitations.
DEMO = {"actions": 3, "evidence": 2, "measurements": 36, "edits": 4, "invitations": 60}


def _grow(coop, staff, times: int) -> dict:
    commitment = Commitment.objects.filter(cooperative=coop).order_by("number").first()
    indicator = Indicator.objects.create(
        commitment=commitment, name="Délai de réponse", target=Decimal(90), period="month"
    )
    actions = Action.objects.bulk_create(
        Action(
            cooperative=coop,
            title=f"Action {i}",
            status="planned",
            owner=staff,
            due_date=dt.date(2026, 1, 1) + dt.timedelta(days=i),
        )  # fmt: skip
        for i in range(DEMO["actions"] * times)
    )
    commitment.actions.add(*actions)
    Evidence.objects.bulk_create(
        Evidence(
            cooperative=coop,
            commitment=commitment,
            kind="note",
            title=f"Preuve {i}",
            note="Compte rendu.",
            added_by=staff,
        )  # fmt: skip
        for i in range(DEMO["evidence"] * times)
    )
    start = dt.date(2026, 1, 1)
    Measurement.objects.bulk_create(
        Measurement(
            indicator=indicator,
            period_start=dt.date(start.year - i // 12, 12 - i % 12, 1),
            value=Decimal(80 + i % 10),
            entered_by=staff,
        )  # fmt: skip
        for i in range(DEMO["measurements"] * times)
    )
    action = actions[0]
    for i in range(DEMO["edits"] * times):  # history records, one per save
        commitment.description = f"Version {i}"
        commitment.save()
        indicator.description = f"Version {i}"
        indicator.save()
        action.progress_note = f"Point {i}"
        action.save()
    campaign = campaign_create(cooperative=coop, launched_at=timezone.now(), anonymous=False)
    Invitation.objects.bulk_create(
        Invitation(
            campaign=campaign,
            last_name=f"Martin {i:04d}",
            email=f"m{i}@example.org",
            expires_at=campaign.closes_at,
        )  # fmt: skip
        for i in range(DEMO["invitations"] * times)
    )
    return {
        "commitment": reverse("commitment_detail", args=[commitment.pk]),
        "indicator": reverse("indicator_detail", args=[indicator.pk]),
        "action": reverse("action_detail", args=[action.pk]),
        "campaign": reverse("campaign_detail", args=[campaign.pk]),
    }


def _measure(client, urls: dict) -> dict:
    out = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        out[name] = (len(response.content), len(ctx.captured_queries))
    return out


@pytest.fixture
def volumes(django_db_blocker, coop_a, staff_a, client):
    client.force_login(staff_a)

    def at(times: int) -> dict:
        Action.objects.filter(cooperative=coop_a).delete()
        Evidence.objects.filter(cooperative=coop_a).delete()
        Indicator.objects.filter(commitment__cooperative=coop_a).delete()
        return _measure(client, _grow(coop_a, staff_a, times))

    return at


def test_pages_cost_the_same_queries_at_ten_times_the_demo_volume(volumes):
    demo, ten = volumes(1), volumes(10)

    assert {name: queries for name, (_, queries) in ten.items()} == {
        name: queries for name, (_, queries) in demo.items()
    }


def test_pages_weigh_the_same_at_ten_and_twenty_times_the_demo_volume(volumes):
    ten, twenty = volumes(10), volumes(20)

    for name, (size, _) in ten.items():
        assert abs(twenty[name][0] - size) <= size * 0.03, (name, size, twenty[name][0])
        assert size < 80_000, (name, size)


def test_the_next_page_of_a_commitment_s_actions_keeps_the_other_lists_where_they_are(
    client, volumes
):
    urls = volumes(10)  # noqa: F841  (30 actions: two pages)
    commitment = Commitment.objects.filter(actions__isnull=False).distinct().get()

    page = client.get(
        reverse("commitment_detail", args=[commitment.pk]), {"actions": 2, "preuves": 1}
    ).content.decode()

    assert "Page 2 / 2" in page
    assert "?actions=1&amp;preuves=1#titre-actions" in page
