"""The call-backs in the after-sales inbox: the "Rappels" tab with due and overdue, a
call-back's page (reasons, the buyer's contact), its outcome recorded once (who, when), turned
into a claim or an action of the plan; the daily digest lists them."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engagements.models import Action, Commitment
from sav.models import CallBack, Claim
from sav.services.daily import digests_plan
from tests import factories
from tests.sav.conftest import at
from tests.sav.factories import callback_create

pytestmark = pytest.mark.django_db


def _buyers(programme, n):
    return [
        factories.BuyerFactory(
            lot=factories.LotFactory(programme=programme), delivery_date=dt.date(2026, 4, 2)
        )
        for _ in range(n)
    ]


def _outcome(client, callback, follow=False, **data):
    return client.post(reverse("callback_outcome", args=[callback.pk]), data, follow=follow)


# The "Rappels" tab ----------------------------------------------------------------------------


def test_the_call_back_list_runs_the_same_number_of_queries_for_1_and_10_rows(
    client, staff_a, programme_a
):
    client.force_login(staff_a)
    first = callback_create(_buyers(programme_a, 1)[0], due=dt.date(2026, 7, 17))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("callback_list"))
    for buyer in _buyers(programme_a, 9):
        callback_create(buyer, due=dt.date(2026, 7, 17), campaign=first.response.campaign,
                        assignee=staff_a)  # fmt: skip
    with CaptureQueriesContext(connection) as ten:
        response = client.get(reverse("callback_list"))

    assert response.context["page"].paginator.count == 10
    assert len(ten) == len(one)


def test_the_list_shows_pending_call_backs_with_their_due_day_and_the_late_ones(
    client, staff_a, programme_a
):
    client.force_login(staff_a)
    late, today, later = (
        callback_create(buyer, due=due)
        for buyer, due in zip(
            _buyers(programme_a, 3),
            [dt.date(2026, 7, 7), dt.date(2026, 7, 8), dt.date(2026, 7, 10)], strict=True,
        )
    )  # fmt: skip
    CallBack.objects.filter(pk=later.pk).update(outcome="solved", outcome_at=at(2026, 7, 8))

    with time_machine.travel(at(2026, 7, 8), tick=False):
        pending = client.get(reverse("callback_list"))
        overdue = client.get(reverse("callback_list"), {"show": "overdue"})
        every = client.get(reverse("callback_list"), {"show": "all"})

    assert list(pending.context["page"]) == [late, today]
    html = pending.content.decode()
    assert html.count('<span class="status status-ko">En retard</span>') == 1
    assert "Aujourd'hui" in html
    assert "7 juillet 2026" in html
    assert list(overdue.context["page"]) == [late]
    assert list(every.context["page"]) == [late, today, later]


def test_another_cooperatives_call_back_is_not_listed(client, staff_b, programme_a):
    callback_create(_buyers(programme_a, 1)[0], due=dt.date(2026, 7, 17))
    client.force_login(staff_b)

    assert client.get(reverse("callback_list")).context["page"].paginator.count == 0


# A call-back's page ---------------------------------------------------------------------------


def test_the_page_shows_the_reasons_and_how_to_reach_the_buyer(client, staff_a, delivered_buyer):
    delivered_buyer.phone = "06 12 34 56 78"
    delivered_buyer.save()
    callback = callback_create(
        delivered_buyer, due=dt.date(2026, 7, 17),
        reasons="« Pas du tout satisfait » : Le logement\nRecommandation 2/10",
    )  # fmt: skip
    client.force_login(staff_a)

    html = client.get(reverse("callback_detail", args=[callback.pk])).content.decode()

    assert "<li>« Pas du tout satisfait » : Le logement</li>" in html
    assert "<li>Recommandation 2/10</li>" in html
    assert 'href="tel:06 12 34 56 78"' in html
    assert "amelie.girard@exemple.fr" in html
    assert "Enregistrer l'issue du rappel" in html


def test_the_board_may_not_read_a_call_back(client, board_a, delivered_buyer):
    callback = callback_create(delivered_buyer, due=dt.date(2026, 7, 17))
    client.force_login(board_a)

    assert client.get(reverse("callback_detail", args=[callback.pk])).status_code == 403


# Recording the outcome ------------------------------------------------------------------------


def test_the_outcome_is_recorded_with_who_and_when(client, staff_a, delivered_buyer):
    callback = callback_create(delivered_buyer, due=dt.date(2026, 7, 17))
    client.force_login(staff_a)

    with time_machine.travel(at(2026, 7, 15, 14), tick=False):
        response = _outcome(client, callback, outcome="reached", note="Rappelée, RDV pris.")

    assert response.status_code == 302
    callback.refresh_from_db()
    assert (callback.outcome, callback.note) == ("reached", "Rappelée, RDV pris.")
    assert (callback.outcome_by, callback.outcome_at) == (staff_a, at(2026, 7, 15, 14))
    html = client.get(reverse("callback_detail", args=[callback.pk])).content.decode()
    assert "15 juillet 2026 à 14 h 00" in html
    assert "Enregistrer l'issue du rappel" not in html


def test_a_second_outcome_changes_nothing(client, staff_a, director_a, delivered_buyer):
    callback = callback_create(delivered_buyer, due=dt.date(2026, 7, 17))
    client.force_login(staff_a)
    _outcome(client, callback, outcome="reached", note="Premier")
    client.force_login(director_a)

    response = _outcome(client, callback, outcome="unreachable", note="Second", follow=True)

    callback.refresh_from_db()
    assert (callback.outcome, callback.note, callback.outcome_by) == ("reached", "Premier", staff_a)
    assert "déjà enregistrée" in response.content.decode()


def test_a_call_turned_into_a_claim_files_it_for_the_buyer(client, staff_a, delivered_buyer):
    callback = callback_create(delivered_buyer, due=dt.date(2026, 7, 17))
    client.force_login(staff_a)

    with time_machine.travel(at(2026, 7, 15), tick=False):
        response = _outcome(
            client, callback, outcome="claim", note="Fuite sous l'évier.", category="plumbing",
            room="Cuisine", description="L'évier fuit depuis la livraison.",
        )  # fmt: skip

    claim = Claim.objects.get()
    assert response["Location"] == reverse("claim_detail", args=[claim.pk])
    assert (claim.buyer, claim.lot, claim.channel) == (
        delivered_buyer,
        delivered_buyer.lot,
        "phone",
    )
    assert (claim.category, claim.room) == ("plumbing", "Cuisine")
    assert claim.guarantee == "perfect_completion"
    assert CallBack.objects.get().claim == claim
    assert f"Suite au rappel {callback.reference}." in claim.events.get(kind="received").comment


def test_a_claim_without_its_category_is_refused_in_french_and_nothing_is_written(
    client, staff_a, delivered_buyer
):
    callback = callback_create(delivered_buyer, due=dt.date(2026, 7, 17))
    client.force_login(staff_a)

    response = _outcome(client, callback, outcome="claim", description="Fuite")

    assert response.status_code == 200
    assert "Choisissez la catégorie de la réclamation." in response.content.decode()
    assert not Claim.objects.exists()
    assert CallBack.objects.get().outcome == ""


def test_a_call_turned_into_an_action_creates_it_in_the_plan_without_the_buyers_name(
    client, staff_a, coop_a, delivered_buyer
):
    callback = callback_create(delivered_buyer, due=dt.date(2026, 7, 17))
    sixth = Commitment.objects.get(cooperative=coop_a, charter_number=6)
    client.force_login(staff_a)

    _outcome(
        client, callback, outcome="action", note="Mme Girard signale des délais trop longs.",
        action_title="Raccourcir les délais d'intervention", action_commitment=sixth.pk,
        action_due_date="2026-09-30",
    )  # fmt: skip

    action = Action.objects.get()
    assert (action.title, action.due_date) == (
        "Raccourcir les délais d'intervention",
        dt.date(2026, 9, 30),
    )
    assert list(action.commitments.all()) == [sixth]
    assert action.description == f"Ouverte à la suite du rappel {callback.reference}."
    assert CallBack.objects.get().action == action


def test_the_board_may_not_record_an_outcome(client, board_a, delivered_buyer):
    callback = callback_create(delivered_buyer, due=dt.date(2026, 7, 17))
    client.force_login(board_a)

    assert _outcome(client, callback, outcome="reached").status_code == 403
    assert CallBack.objects.get().outcome == ""


# The daily digest -----------------------------------------------------------------------------


def test_the_digest_lists_the_overdue_call_backs_of_the_buyers_interlocutor(
    staff_a, delivered_buyer, mailoutbox, django_capture_on_commit_callbacks
):
    staff_a.email = "staff-a@exemple.fr"
    staff_a.save()
    callback = callback_create(delivered_buyer, due=dt.date(2026, 7, 7), assignee=staff_a)

    with (
        time_machine.travel(at(2026, 7, 8, 8), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert digests_plan(now=at(2026, 7, 8, 8)) == 1

    mail = mailoutbox[0]
    assert mail.subject == "SAV du 8 juillet 2026 : 1 dossier à traiter, dont 1 en retard"
    assert (
        f"- {callback.reference}, {delivered_buyer.lot.programme.name} lot JDI-101 : "
        "à rappeler avant le 7 juillet 2026 (EN RETARD)"
    ) in mail.body
    assert reverse("callback_detail", args=[callback.pk]) in mail.body
