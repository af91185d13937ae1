"""The closed loop through the real pages: an unhappy buyer who accepts to be contacted back
gets a call-back in a nominative campaign, and never in an anonymous one; staff record the call
and the indicator of commitment 6 counts it."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from engagements.sources import JOURNEY_METRICS
from enquetes.models import Answer, Response
from sav.models import CallBack
from sav.services.callbacks import callbacks_open
from sav.services.daily import sav_daily
from tests.buyer.conftest import (
    csrf_post,
    make_campaign,
    make_invitation,
    pool_flushed,
    questions_by_key,
    triennial_answers,
)
from tests.buyer.test_answering import page_url
from tests.sav.conftest import at

pytestmark = pytest.mark.django_db


def unhappy_pages(questions, *, consent: str) -> list[dict]:
    """The six pages of the triennial survey: "Pas du tout satisfait" overall, recommendation
    2/10, and the consent to be contacted back as given."""
    pages = triennial_answers(questions)
    pages[0][f"q{questions['satisfaction_globale'].pk}"] = "pas_du_tout_satisfait"
    pages[4][f"q{questions['recommandation'].pk}"] = "2"
    pages[5][f"q{questions['recontact'].pk}"] = consent
    return pages


def answer(client, invitation, pages) -> None:
    for number, data in enumerate(pages, start=1):
        assert csrf_post(client, page_url(invitation, number), data).status_code == 302


@pytest.fixture
def client():
    """The buyer's browser: CSRF checked."""
    return Client(enforce_csrf_checks=True)


def test_an_unhappy_consenting_answer_in_an_anonymous_campaign_opens_no_call_back(
    client, coop_a, buyer_a
):
    campaign = make_campaign(coop_a, anonymous=True)
    invitation = make_invitation(campaign, buyer_a)
    questions = questions_by_key(campaign)

    answer(client, invitation, unhappy_pages(questions, consent="oui"))
    pool_flushed()

    assert Response.objects.filter(campaign=campaign).count() == 1
    assert not Answer.objects.filter(question=questions["recontact"]).exists()
    assert callbacks_open(now=timezone.now()) == 0
    assert not CallBack.objects.exists()


def test_the_same_answer_in_a_named_campaign_opens_one(client, coop_a, buyer_a):
    campaign = make_campaign(coop_a, anonymous=False)
    invitation = make_invitation(campaign, buyer_a)

    answer(client, invitation, unhappy_pages(questions_by_key(campaign), consent="oui"))

    assert callbacks_open(now=timezone.now()) == 1
    assert CallBack.objects.get().buyer == buyer_a


def test_the_same_answer_without_consent_opens_none(client, coop_a, buyer_a):
    campaign = make_campaign(coop_a, anonymous=False)
    invitation = make_invitation(campaign, buyer_a)

    answer(client, invitation, unhappy_pages(questions_by_key(campaign), consent="non"))

    assert callbacks_open(now=timezone.now()) == 0


def test_the_closed_loop_from_an_unhappy_answer_to_the_indicator(
    client, coop_a, programme_a, buyer_a, staff_a
):
    programme_a.interlocutor = staff_a
    programme_a.save()
    with time_machine.travel(at(2026, 7, 10, 18), tick=False) as clock:  # a Friday
        campaign = make_campaign(coop_a, anonymous=False)
        invitation = make_invitation(campaign, buyer_a)
        answer(client, invitation, unhappy_pages(questions_by_key(campaign), consent="oui"))

        clock.move_to(at(2026, 7, 11, 8))
        assert sav_daily(now=timezone.now()).callbacks == 1
        callback = CallBack.objects.get()
        # 5 working days after Friday 10 July, 14 July a holiday
        assert (callback.due, callback.assignee) == (dt.date(2026, 7, 20), staff_a)
        assert callback.reason_list() == [
            "« Pas du tout satisfait » : Dans l'ensemble, êtes-vous satisfait de votre achat "
            "avec la coopérative ?",
            "« Peu satisfait » : Le confort de votre logement en hiver comme en été vous "
            "satisfait-il ?",
            "Recommandation 2/10",
        ]

        clock.move_to(at(2026, 7, 16, 11))
        staff = Client()
        staff.force_login(staff_a)
        listed = staff.get(reverse("callback_list"))
        assert list(listed.context["page"]) == [callback]
        recorded = staff.post(
            reverse("callback_outcome", args=[callback.pk]),
            {"outcome": "solved", "note": "Explications sur la garantie, rassurée."},
        )
        assert recorded.status_code == 302

        clock.move_to(at(2026, 7, 29, 9))
        figure = JOURNEY_METRICS["sav_called_back_in_time"].compute(
            coop_a.pk, dt.date(2026, 7, 1), dt.date(2026, 7, 31)
        )

    callback.refresh_from_db()
    assert (callback.outcome, callback.outcome_by) == ("solved", staff_a)
    assert (figure.value, figure.base) == (Decimal("100.0"), 1)
