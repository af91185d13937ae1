"""A company's signed link to its reserves: no account, its claims only, no buyer's personal
data, an intervention marked done by a POST, forged and expired links refused."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from sav.companies import company_token
from sav.models import Claim
from sav.services import claims
from tests.sav.conftest import at
from tests.sav.factories import CompanyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(delivered_buyer, staff_a, company_a):
    claim = claims.claim_file(
        lot=delivered_buyer.lot, buyer=delivered_buyer, channel="space", category="plumbing",
        room="Salle de bains", description="Joint de douche à refaire", now=at(2026, 7, 10),
    )  # fmt: skip
    claims.claim_accept(claim=claim, user=staff_a, now=at(2026, 7, 13))
    claims.claim_assign(claim=claim, company=company_a, intervention_on=dt.date(2026, 7, 20),
                        user=staff_a, now=at(2026, 7, 13))  # fmt: skip
    return claim


def test_the_company_reads_its_reserves_without_the_buyer_s_name_or_address(
    client, assigned, company_a, programme_a
):
    link = company_token(company_a, programme_a)

    response = client.get(reverse("company_reserves", args=[link]))

    body = response.content.decode()
    assert "Joint de douche à refaire" in body
    assert "20 juillet 2026" in body
    assert "Girard" not in body and "amelie.girard@exemple.fr" not in body
    assert '<meta name="robots" content="noindex">' in body


def test_another_company_s_link_does_not_list_the_reserve(client, assigned, coop_a, programme_a):
    other = CompanyFactory(cooperative=coop_a, name="Peinture Klein")

    body = client.get(reverse("company_reserves", args=[company_token(other, programme_a)]))

    assert "Joint de douche" not in body.content.decode()


def test_the_company_marks_the_intervention_done_with_a_post(
    client, assigned, company_a, programme_a
):
    link = company_token(company_a, programme_a)

    client.post(reverse("company_claim_done", args=[link, assigned.pk]), {"comment": "Fait."})

    assigned.refresh_from_db()
    assert assigned.status == Claim.Status.DONE
    assert list(assigned.events.filter(kind="done").values_list("actor", "comment")) == [
        ("company", "Fait.")
    ]


def test_a_company_cannot_mark_done_a_claim_given_to_another(client, assigned, coop_a, programme_a):
    other = CompanyFactory(cooperative=coop_a, name="Peinture Klein")

    response = client.post(
        reverse("company_claim_done", args=[company_token(other, programme_a), assigned.pk])
    )

    assert response.status_code == 404
    assert Claim.objects.get(pk=assigned.pk).status == Claim.Status.ASSIGNED


def test_a_forged_or_expired_link_is_refused(client, assigned, company_a, programme_a):
    with time_machine.travel(at(2026, 7, 1), tick=False):
        link = company_token(company_a, programme_a)

    with time_machine.travel(at(2026, 9, 1), tick=False):
        expired = client.get(reverse("company_reserves", args=[link]))
    forged = client.get(reverse("company_reserves", args=[link[:-2] + "xx"]))

    assert (expired.status_code, forged.status_code) == (404, 404)


def test_the_company_downloads_its_reserves_as_a_pdf(client, assigned, company_a, programme_a):
    response = client.get(
        reverse("company_reserves_pdf", args=[company_token(company_a, programme_a)])
    )

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
