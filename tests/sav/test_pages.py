"""The staff pages of after-sales: the inbox and its filters, "Mes dossiers", bulk assignment,
the export, a claim's page and its steps."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from sav.models import Claim, ServiceLevel
from sav.services import claims
from tests import factories
from tests.sav.conftest import at

pytestmark = pytest.mark.django_db


def _claims(programme, n, *, now, description="Le robinet fuit."):
    made = []
    for _ in range(n):
        buyer = factories.BuyerFactory(
            lot=factories.LotFactory(programme=programme),
            delivery_date=dt.date(2026, 4, 2),
        )
        made.append(claims.claim_file(
            lot=buyer.lot, buyer=buyer, channel="phone", category="plumbing",
            description=description, now=now,
        ))  # fmt: skip
    return made


def test_the_inbox_runs_the_same_number_of_queries_for_1_and_10_claims(
    client, staff_a, programme_a, company_a
):
    client.force_login(staff_a)
    _claims(programme_a, 1, now=at(2026, 7, 10))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("claim_inbox"))
    _claims(programme_a, 9, now=at(2026, 7, 10))
    with CaptureQueriesContext(connection) as ten:
        response = client.get(reverse("claim_inbox"))

    assert response.context["page"].paginator.count == 10
    assert len(ten) == len(one)


def test_my_claims_runs_the_same_number_of_queries_for_1_and_10_claims(
    client, staff_a, programme_a, company_a
):
    client.force_login(staff_a)
    mine = Claim.objects.filter(lot__programme=programme_a)
    _claims(programme_a, 1, now=at(2026, 7, 10))
    mine.update(assignee=staff_a, company=company_a)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("my_claims"))
    _claims(programme_a, 9, now=at(2026, 7, 10))
    mine.update(assignee=staff_a, company=company_a)
    with CaptureQueriesContext(connection) as ten:
        response = client.get(reverse("my_claims"))

    assert response.context["page"].paginator.count == 10
    assert len(ten) == len(one)


def test_the_overdue_filter_keeps_the_claims_past_their_deadline(client, staff_a, programme_a):
    client.force_login(staff_a)
    late = _claims(programme_a, 1, now=at(2026, 7, 1))[0]  # follow-up due 6 July
    _claims(programme_a, 1, now=at(2026, 7, 10))  # due 16 July

    with time_machine.travel(at(2026, 7, 8), tick=False):
        rows = client.get(reverse("claim_inbox"), {"overdue": "on"}).context["rows"]

    assert [row["reference"] for row in rows] == [late.reference]


def test_the_programme_filter_keeps_its_claims(client, staff_a, programme_a, coop_a):
    client.force_login(staff_a)
    other = factories.ProgrammeFactory(cooperative=coop_a, name="Autre", code="AUT")
    _claims(programme_a, 2, now=at(2026, 7, 10))
    kept = _claims(other, 1, now=at(2026, 7, 10))

    rows = client.get(reverse("claim_inbox"), {"programme": other.pk}).context["rows"]

    assert [row["reference"] for row in rows] == [claim.reference for claim in kept]


def test_my_claims_lists_only_the_claims_i_am_responsible_for(
    client, staff_a, director_a, programme_a
):
    mine, theirs = _claims(programme_a, 2, now=at(2026, 7, 10))
    Claim.objects.filter(pk=mine.pk).update(assignee=staff_a)
    Claim.objects.filter(pk=theirs.pk).update(assignee=director_a)
    client.force_login(staff_a)

    rows = client.get(reverse("my_claims")).context["rows"]

    assert [row["reference"] for row in rows] == [mine.reference]


def test_an_inbox_row_shows_the_next_deadline_in_french_and_that_it_is_past(
    client, staff_a, programme_a
):
    _claims(programme_a, 1, now=at(2026, 7, 1))  # follow-up due 6 July
    client.force_login(staff_a)

    with time_machine.travel(at(2026, 7, 8), tick=False):
        response = client.get(reverse("claim_inbox"))

    assert '6 juillet 2026 <span class="status status-ko">En retard</span>' in (
        response.content.decode()
    )


def test_the_inbox_offers_the_companies_with_their_trade_in_both_forms(
    client, staff_a, company_a, programme_a
):
    _claims(programme_a, 1, now=at(2026, 7, 10))
    client.force_login(staff_a)

    content = client.get(reverse("claim_inbox")).content.decode()

    option = f'<option value="{company_a.pk}">Plomberie Schmitt (Plomberie)</option>'
    assert content.count(option) == 2


def test_the_bulk_assignment_fields_belong_to_its_form_and_no_id_is_used_twice(
    client, staff_a, programme_a
):
    _claims(programme_a, 1, now=at(2026, 7, 10))
    client.force_login(staff_a)

    content = client.get(reverse("claim_inbox")).content.decode()

    ids = re.findall(r' id="([^"]+)"', content)
    assert len(ids) == len(set(ids))
    for field in ("id_bulk_assignee", "id_bulk_company", "id_bulk_intervention_on"):
        assert re.search(rf'id="{field}" form="bulk"', content)


def test_bulk_assignment_gives_the_checked_claims_a_company_a_date_and_a_person(
    client, staff_a, director_a, programme_a, company_a
):
    first, second, untouched = _claims(programme_a, 3, now=at(2026, 7, 10))
    for claim in (first, second):
        claims.claim_accept(claim=claim, user=staff_a, now=at(2026, 7, 13))
    client.force_login(staff_a)

    response = client.post(reverse("claims_bulk_assign"), {
        "claims": [first.pk, second.pk], "assignee": director_a.pk,
        "company": company_a.pk, "intervention_on": "2026-07-20",
    })  # fmt: skip

    assert response.status_code == 302
    rows = Claim.objects.filter(pk__in=[first.pk, second.pk]).values_list(
        "status", "company", "intervention_on", "assignee"
    )
    assert set(rows) == {("assigned", company_a.pk, dt.date(2026, 7, 20), director_a.pk)}
    assert Claim.objects.get(pk=untouched.pk).assignee is None


def test_bulk_assignment_cannot_reach_another_cooperative_s_claims(
    client, staff_b, staff_a, programme_a
):
    claim = _claims(programme_a, 1, now=at(2026, 7, 10))[0]
    client.force_login(staff_b)

    client.post(reverse("claims_bulk_assign"), {"claims": [claim.pk], "assignee": staff_b.pk})

    assert Claim.objects.get(pk=claim.pk).assignee is None


def test_the_export_is_a_spreadsheet_whose_cells_never_run_as_formulas(
    client, staff_a, programme_a
):
    _claims(programme_a, 1, now=at(2026, 7, 10), description='=HYPERLINK("http://x")')
    client.force_login(staff_a)

    response = client.get(reverse("claim_export"))

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("Référence", "Programme", "Lot")
    assert rows[1][7] == '\'=HYPERLINK("http://x")'
    assert rows[1][11] == "10 juillet 2026"
    assert response["Cache-Control"] == "private, no-store"


def test_staff_take_a_claim_by_phone_from_the_buyer_s_page(client, staff_a, delivered_buyer):
    client.force_login(staff_a)

    response = client.post(reverse("claim_new", args=[delivered_buyer.pk]), {
        "channel": "phone", "category": "finishes", "room": "Séjour",
        "description": "Fissure du plâtre",
    })  # fmt: skip

    claim = Claim.objects.get()
    assert response["Location"] == reverse("claim_detail", args=[claim.pk])
    assert (claim.channel, claim.assignee, claim.room) == ("phone", staff_a, "Séjour")


def test_the_claim_page_shows_the_guarantee_and_the_timeline(client, staff_a, delivered_buyer):
    claim = claims.claim_file(
        lot=delivered_buyer.lot, buyer=delivered_buyer, channel="space", category="finishes",
        description="Fissure", now=at(2026, 9, 1),
    )  # fmt: skip
    claims.claim_accept(claim=claim, user=staff_a, now=at(2026, 9, 2), comment="Vu sur photo.")
    client.force_login(staff_a)

    body = client.get(reverse("claim_detail", args=[claim.pk])).content.decode()

    assert "Relève de la garantie de parfait achèvement jusqu&#x27;au 2 avril 2027." in body or (
        "Relève de la garantie de parfait achèvement jusqu'au 2 avril 2027." in body
    )
    assert "Vu sur photo." in body
    assert "2 septembre 2026 à 10 h 00" in body


def test_a_step_is_taken_from_the_claim_page(client, staff_a, delivered_buyer):
    claim = _claims(delivered_buyer.lot.programme, 1, now=at(2026, 7, 10))[0]
    client.force_login(staff_a)

    client.post(reverse("claim_step", args=[claim.pk, "accept"]), {"comment": "OK"})

    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.ACCEPTED


def test_a_step_taken_twice_says_so_and_changes_nothing(client, staff_a, delivered_buyer):
    claim = _claims(delivered_buyer.lot.programme, 1, now=at(2026, 7, 10))[0]
    client.force_login(staff_a)
    client.post(reverse("claim_step", args=[claim.pk, "accept"]))

    response = client.post(reverse("claim_step", args=[claim.pk, "accept"]), follow=True)

    assert "rechargez la page" in response.content.decode()
    assert claim.events.filter(kind="accepted").count() == 1


def test_a_refusal_without_reason_is_refused(client, staff_a, delivered_buyer):
    claim = _claims(delivered_buyer.lot.programme, 1, now=at(2026, 7, 10))[0]
    client.force_login(staff_a)

    response = client.post(reverse("claim_refuse", args=[claim.pk]), {"reason": ""}, follow=True)

    assert "Un refus est motivé" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.ACKNOWLEDGED


def test_the_director_sets_the_cooperative_s_deadlines(client, director_a, coop_a):
    client.force_login(director_a)

    client.post(reverse("service_level"), {
        "follow_up_days": 2, "planning_days": 10, "callback_days": 4, "auto_lift_days": 20,
    })  # fmt: skip

    level = ServiceLevel.of(coop_a.pk)
    assert (level.follow_up_days, level.planning_days, level.auto_lift_days) == (2, 10, 20)


def test_the_director_sets_which_answers_open_a_call_back(client, director_a, coop_a):
    client.force_login(director_a)

    client.post(reverse("service_level"), {
        "follow_up_days": 3, "planning_days": 15, "callback_days": 5, "auto_lift_days": 15,
        "callback_nps_max": 4, "callback_comment": "on",
    })  # fmt: skip

    level = ServiceLevel.of(coop_a.pk)
    assert (level.callback_unhappy, level.callback_nps_max, level.callback_comment) == (
        False, 4, True,
    )  # fmt: skip
